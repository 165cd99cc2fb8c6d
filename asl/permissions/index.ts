export * from "./policy";
export * from "./stateMachine";
export * from "./lambdaRole";
export * from "./trust";
export * from "./reaching";
