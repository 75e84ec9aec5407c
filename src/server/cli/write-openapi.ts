// Writes the OpenAPI document to openapi.json without a database, for the web app's typed client
// (`npm run api:types`).
import { writeFileSync } from "node:fs";
import { OpenAPIHono } from "@hono/zod-openapi";
import { buildApiRouter } from "../app.js";

const app = new OpenAPIHono();
app.route("/api/v1", buildApiRouter() as unknown as OpenAPIHono);
const document = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Switchboard API", version: "1.0.0" } });
writeFileSync("openapi.json", `${JSON.stringify(document, null, 2)}\n`);
console.log(`openapi.json: ${Object.keys(document.paths ?? {}).length} paths`);
