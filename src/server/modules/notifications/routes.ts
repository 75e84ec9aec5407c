// Notification settings: GET for every member, PUT (replace) for owners and admins.
import { createRoute } from "@hono/zod-openapi";
import { requireOrg } from "../../http/authorize.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, problemResponses } from "../../http/schemas.js";
import { orgIdParam } from "../organizations/routes.js";
import { getNotificationSettings, notificationSettingsInputSchema, notificationSettingsSchema, updateNotificationSettings } from "./settings.js";

const getRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/notification-settings",
  tags: ["Notifications"],
  summary: "Which events notify whom, by email and SMS, and quiet hours",
  security: bearerSecurity,
  middleware: [requireOrg("org:read")] as const,
  request: { params: orgIdParam },
  responses: { 200: jsonContent(notificationSettingsSchema, "The settings (the defaults until saved)"), ...problemResponses(401, 404) },
});

const putRoute = createRoute({
  method: "put",
  path: "/orgs/{orgId}/notification-settings",
  tags: ["Notifications"],
  summary: "Replace the notification settings (owners and admins)",
  description:
    "During quiet hours (in the organization's time zone) new notifications are held and delivered when the quiet period ends; urgent escalations are sent at once.",
  security: bearerSecurity,
  middleware: [requireOrg("org:update")] as const,
  request: { params: orgIdParam, ...jsonBody(notificationSettingsInputSchema) },
  responses: { 200: jsonContent(notificationSettingsSchema, "Saved"), ...problemResponses(400, 401, 403, 404, 422) },
});

export function notificationRoutes() {
  const router = newRouter();
  router.openapi(getRoute, async (c) => c.json(await getNotificationSettings(c.get("ctx"), c.get("org")), 200));
  router.openapi(putRoute, async (c) =>
    c.json(await updateNotificationSettings(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("json"), requestMeta(c)), 200),
  );
  return router;
}
