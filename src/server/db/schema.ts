// Every table, re-exported from the feature that owns it.

export * from "../modules/assistants/schema.js";
export * from "../modules/audit/schema.js";
export * from "../modules/auth/schema.js";
export * from "../modules/billing/schema.js";
export * from "../modules/billing/stripe/schema.js";
export * from "../modules/calls/schema.js";
export * from "../modules/conversation/schema.js";
export * from "../modules/inbox/schema.js";
export * from "../modules/knowledge/schema.js";
export * from "../modules/mail/schema.js";
export * from "../modules/notifications/schema.js";
export * from "../modules/organizations/schema.js";
export * from "../modules/phone-numbers/schema.js";
export * from "../modules/plans/schema.js";
export * from "../modules/templates/schema.js";
export { appRole, platformRole } from "./roles.js";
