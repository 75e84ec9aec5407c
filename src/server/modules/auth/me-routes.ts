// The signed-in user's own account: profile with memberships, name, password and email changes.
import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../http/authorize.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { emailSchema, jsonBody, jsonContent, noContent, problemResponses, requiredText, timestampSchema } from "../../http/schemas.js";
import { organizationSchema } from "../organizations/routes.js";
import { listOrganizationsOfUser } from "../organizations/service.js";
import { MAX_PASSWORD_LENGTH, passwordSchema } from "./passwords.js";
import { changePassword, getUser, requestEmailChange, updateProfile } from "./service.js";

const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    emailVerified: z.boolean(),
    pendingEmail: z.string().nullable(),
    isSuperAdmin: z.boolean(),
    createdAt: timestampSchema,
  })
  .openapi("User");

const meSchema = z.object({ user: userSchema, memberships: z.array(organizationSchema) }).openapi("Me");

const getMeRoute = createRoute({
  method: "get",
  path: "/me",
  tags: ["Account"],
  summary: "The signed-in user and the organizations they belong to",
  security: bearerSecurity,
  middleware: [requireUser] as const,
  responses: { 200: jsonContent(meSchema, "The current user"), ...problemResponses(401) },
});

const patchMeRoute = createRoute({
  method: "patch",
  path: "/me",
  tags: ["Account"],
  summary: "Update your profile",
  security: bearerSecurity,
  middleware: [requireUser] as const,
  request: jsonBody(z.strictObject({ name: requiredText(120) })),
  responses: { 200: jsonContent(userSchema, "Updated"), ...problemResponses(400, 401, 422) },
});

const changePasswordRoute = createRoute({
  method: "post",
  path: "/me/password",
  tags: ["Account"],
  summary: "Change your password",
  description: "Signs out every other session and emails a notice.",
  security: bearerSecurity,
  middleware: [requireUser] as const,
  request: jsonBody(z.strictObject({ currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH), newPassword: passwordSchema })),
  responses: { ...noContent, ...problemResponses(400, 401, 422) },
});

const changeEmailRoute = createRoute({
  method: "post",
  path: "/me/email",
  tags: ["Account"],
  summary: "Change your sign-in email",
  description: "Sends a confirmation link to the new address; the change applies when it is followed.",
  security: bearerSecurity,
  middleware: [requireUser] as const,
  request: jsonBody(z.strictObject({ newEmail: emailSchema, password: z.string().min(1).max(MAX_PASSWORD_LENGTH) })),
  responses: { 202: jsonContent(z.object({ message: z.string() }), "Confirmation sent"), ...problemResponses(400, 401, 409, 422) },
});

async function userView(ctx: Parameters<typeof getUser>[0], userId: string) {
  const user = await getUser(ctx, userId);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.emailVerifiedAt !== null,
    pendingEmail: user.pendingEmail,
    isSuperAdmin: user.isSuperAdmin,
    createdAt: user.createdAt.toISOString(),
  };
}

export function meRoutes() {
  const router = newRouter();

  router.openapi(getMeRoute, async (c) => {
    const ctx = c.get("ctx");
    const userId = c.get("user").id;
    const [user, memberships] = await Promise.all([userView(ctx, userId), listOrganizationsOfUser(ctx, userId)]);
    return c.json({ user, memberships }, 200);
  });

  router.openapi(patchMeRoute, async (c) => {
    await updateProfile(c.get("ctx"), c.get("user"), c.req.valid("json"));
    return c.json(await userView(c.get("ctx"), c.get("user").id), 200);
  });

  router.openapi(changePasswordRoute, async (c) => {
    await changePassword(c.get("ctx"), c.get("user"), c.req.valid("json"), requestMeta(c));
    return c.body(null, 204);
  });

  router.openapi(changeEmailRoute, async (c) => {
    await requestEmailChange(c.get("ctx"), c.get("user"), c.req.valid("json"), requestMeta(c));
    return c.json({ message: "Check the new address for a confirmation link." }, 202);
  });

  return router;
}
