// Every feature's router is made here, so each validates input the same way: a failed schema
// answers 422 problem+json listing each field.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env.js";
import { validationProblem } from "./problem.js";

export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(c, result.error, result.target);
    },
  });
}

export const bearerSecurity = [{ bearerAuth: [] }];
