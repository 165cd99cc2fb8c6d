export { createProgressDisplay, progressModeFor, type ProgressDisplay, type ProgressMode, type ProgressOptions } from "./display";
export { countsText, formatCount, formatRate, formatSeconds, mapRunFigures, mapRunName, plainLine, progressText, type MapRunFigures } from "./format";
