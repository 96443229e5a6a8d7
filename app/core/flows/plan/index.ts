// The flow strategy planner: built-in flow types, default plans, merchant edits.
export * from "./types";
export * from "./offer";
export { FLOW_DEFAULTS, OBJECTIVE_FLOWS, type FlowDefault } from "./defaults";
export { proposePlan, PlanInputError, type IncentiveSettings, type PlanBrand, type ProposePlanInput } from "./propose";
export { validatePlan, revisePlan, MAX_EMAILS, MIN_EMAILS, type PlanValidation } from "./validate";
