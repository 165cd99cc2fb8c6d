/** Errors the builders throw while a definition is being put together or rendered. */

/** A misuse of the builders (wrong value for the scope, a state chained twice, ...). */
export class BuilderError extends Error {
  override readonly name: string = "BuilderError";
}

/** Two different states share a name somewhere in one machine; AWS requires names unique machine-wide. */
export class StateNameCollisionError extends BuilderError {
  override readonly name = "StateNameCollisionError";
  constructor(
    readonly stateName: string,
    readonly firstLocation: string,
    readonly secondLocation: string,
  ) {
    super(
      `State name "${stateName}" is used by two different states: at ${firstLocation} and at ${secondLocation}. ` +
        `State names must be unique across the whole state machine, nested Map processors and Parallel branches included ` +
        `(if a fragment is placed twice, give its states a name prefix).`,
    );
  }
}
