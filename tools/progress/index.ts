export { createProgressDisplay, progressModeFor, type ProgressDisplay, type ProgressMode, type ProgressOptions } from "./display";
export { cutLine, fitForStream, isCi, paletteFor, stripAnsi, visibleLength, wrapLine, type Palette } from "./fit";
export {
  countsText,
  formatCount,
  formatRate,
  formatSeconds,
  mapRunFigures,
  mapRunLines,
  mapRunName,
  plainLine,
  progressText,
  type MapRunFigures,
} from "./format";
