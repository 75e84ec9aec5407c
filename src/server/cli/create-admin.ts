// `npm run admin:create -- --email you@example.com [--name "Ada"]`: creates (or promotes) a
// super admin. The password comes from ADMIN_PASSWORD or is asked for on the terminal.
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { ensureSuperAdmin } from "../modules/admin/service.js";
import { startPlatform } from "../platform.js";

const { values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" } } });
const config = loadConfig({ ...process.env, ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined, LOG_LEVEL: "warn" });
const email = values.email ?? process.env.ADMIN_EMAIL;
if (!email) {
  console.error('Usage: npm run admin:create -- --email you@example.com [--name "Your Name"]');
  process.exit(2);
}
let password = process.env.ADMIN_PASSWORD;
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question("Password (at least 12 characters): ");
  rl.close();
}
if (password.length < 12) {
  console.error("The password must be at least 12 characters.");
  process.exit(2);
}
const platform = await startPlatform({ config });
try {
  const result = await ensureSuperAdmin(platform.ctx, { email, password, name: values.name }, null);
  console.log(result.created ? `Created super admin ${email}.` : `${email} is a super admin.`);
} finally {
  await platform.stop();
}
