// The only reader of process.env: every setting is declared, defaulted and validated here,
// and startup fails listing every problem at once.
import { z } from "zod";

const booleanFromEnv = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((value) => value === "true" || value === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  APP_URL: z.url().default("http://localhost:3000"),
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default(".data"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  APP_SECRET: z.string().min(32, "APP_SECRET must be at least 32 characters").optional(),
  REDIS_URL: z.string().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Switchboard <no-reply@switchboard.local>"),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, "ADMIN_PASSWORD must be at least 12 characters").optional(),
  TRUST_PROXY: booleanFromEnv,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,88}$/, "ENCRYPTION_KEY must be 32 bytes, base64 or hex")
    .optional(),
  VAPI_API_KEY: z.string().optional(),
  VAPI_BASE_URL: z.url().default("https://api.vapi.ai"),
  VAPI_WEBHOOK_SECRET: z.string().min(16, "VAPI_WEBHOOK_SECRET must be at least 16 characters").optional(),
  VAPI_WEBHOOK_HMAC_SECRET: z.string().min(16, "VAPI_WEBHOOK_HMAC_SECRET must be at least 16 characters").optional(),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_API_BASE_URL: z.url().optional(),
  TWILIO_SMS_FROM: z
    .string()
    .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, "TWILIO_SMS_FROM must be an E.164 number (+14155550100) or a Messaging Service SID (MG…)")
    .optional(),
  LLM_BASE_URL: z.url().optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(20_000),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_\w+$/, "STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_… or rk_…)")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, "STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…)")
    .optional(),
  STRIPE_API_BASE_URL: z.url().optional(),
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(7),
});

export type Config = {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  appUrl: string;
  /** Owner connection: runs migrations and the few platform-wide lookups. Unset = embedded PostgreSQL. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  /** Signs access tokens and derives encryption keys; generated into DATA_DIR outside production when unset. */
  appSecret: string | undefined;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  trustProxy: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  /** Encrypts secrets stored in the database (AES-256-GCM); derived from APP_SECRET when unset. */
  encryptionKey: string | undefined;
  vapi: { apiKey: string | undefined; baseUrl: string; webhookSecret: string | undefined; webhookHmacSecret: string | undefined };
  /** The platform's own Twilio account; customers may bring theirs. TWILIO_API_BASE_URL points the SDK elsewhere (tests). */
  twilio: { accountSid: string | undefined; authToken: string | undefined; apiBaseUrl: string | undefined; smsFrom: string | undefined };
  /** The OpenAI-compatible chat-completions endpoint of the test console; null = the template engine. The API key is a secret: never log it. */
  llm: { baseUrl: string; apiKey: string | undefined; model: string; timeoutMs: number } | null;
  /**
   * Stripe billing; null = manual billing mode (the super admin assigns plans, the platform issues
   * its own invoices). STRIPE_API_BASE_URL points the SDK elsewhere (tests). The keys are secrets: never log them.
   */
  stripe: { secretKey: string; webhookSecret: string; apiBaseUrl: string | undefined } | null;
  /** Days a past_due organization keeps its service before it is suspended. */
  billingGraceDays: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === "production" && !e.APP_SECRET) problems.push("APP_SECRET: required in production");
  if (e.NODE_ENV === "production" && !e.DATABASE_URL) problems.push("DATABASE_URL: required in production");
  if (Boolean(e.TWILIO_ACCOUNT_SID) !== Boolean(e.TWILIO_AUTH_TOKEN)) problems.push("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: set both or neither");
  if (e.TWILIO_SMS_FROM && !e.TWILIO_ACCOUNT_SID)
    problems.push("TWILIO_SMS_FROM: needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (the account that sends the SMS)");
  if (e.LLM_BASE_URL && !e.LLM_MODEL)
    problems.push("LLM_MODEL: required when LLM_BASE_URL is set (the model name the endpoint serves, e.g. gpt-4o-mini or llama3.1)");
  if (!e.LLM_BASE_URL && (e.LLM_MODEL || e.LLM_API_KEY))
    problems.push("LLM_BASE_URL: required when LLM_MODEL or LLM_API_KEY is set (e.g. https://api.openai.com/v1)");
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET) problems.push("STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY");
  if (!e.STRIPE_SECRET_KEY && (e.STRIPE_WEBHOOK_SECRET || e.STRIPE_API_BASE_URL))
    problems.push("STRIPE_SECRET_KEY: required with STRIPE_WEBHOOK_SECRET or STRIPE_API_BASE_URL");
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) {
    problems.push("ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    appUrl: e.APP_URL.replace(/\/$/, ""),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    appSecret: e.APP_SECRET,
    redisUrl: e.REDIS_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    encryptionKey: e.ENCRYPTION_KEY,
    vapi: {
      apiKey: e.VAPI_API_KEY,
      baseUrl: e.VAPI_BASE_URL.replace(/\/$/, ""),
      webhookSecret: e.VAPI_WEBHOOK_SECRET,
      webhookHmacSecret: e.VAPI_WEBHOOK_HMAC_SECRET,
    },
    twilio: { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, apiBaseUrl: e.TWILIO_API_BASE_URL, smsFrom: e.TWILIO_SMS_FROM },
    llm:
      e.LLM_BASE_URL && e.LLM_MODEL
        ? { baseUrl: e.LLM_BASE_URL.replace(/\/$/, ""), apiKey: e.LLM_API_KEY, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS }
        : null,
    stripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBaseUrl: e.STRIPE_API_BASE_URL?.replace(/\/$/, "") }
        : null,
    billingGraceDays: e.BILLING_GRACE_DAYS,
  };
}
