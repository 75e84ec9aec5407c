// Sign-in and its brute-force limits: 5 failed attempts per 15 minutes per account and per IP,
// the same for forgot-password. Counters live in Redis when REDIS_URL is set, else in memory.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomIp } from "../helpers/api.js";
import { auditRows, expectProblem, mailJobsTo } from "../helpers/auth.js";
import { createOrgWithOwner, uniqueEmail } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

const WRONG = "not the right password";

function signin(email: string, password: string, ip?: string) {
  return t.api.post("/api/v1/auth/signin", { email, password }, ip ? { ip } : {});
}

function expectRateLimited(res: Awaited<ReturnType<typeof signin>>) {
  expectProblem(res, 429, "RATE_LIMITED");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(900);
}

describe("sign-in", () => {
  it("with the right password answers 200 with a working token pair and sets the refresh cookie", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await signin(owner.email, owner.password);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^rt_/), tokenType: "Bearer", expiresIn: 900 });
    expect(res.headers.get("set-cookie")).toMatch(new RegExp(`^sb_refresh=${res.body.refreshToken};.*HttpOnly`, "i"));
    const me = await t.api.get("/api/v1/me", { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(owner.userId);
  });

  it("accepts the email in any case and with surrounding spaces", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await signin(`  ${owner.email.toUpperCase()}  `, owner.password)).status).toBe(200);
  });

  it("each sign-in starts a separate session", async () => {
    const owner = await createOrgWithOwner(t);
    await signin(owner.email, owner.password);
    await signin(owner.email, owner.password);
    const { rows } = await t.ownerQuery("SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL", [owner.userId]);
    expect(rows).toHaveLength(3);
  });

  it("a wrong password and an unknown email both answer 401 INVALID_CREDENTIALS with the same body", async () => {
    const owner = await createOrgWithOwner(t);
    const wrongPassword = expectProblem(await signin(owner.email, WRONG), 401, "INVALID_CREDENTIALS");
    const unknownEmail = expectProblem(await signin(uniqueEmail("nobody"), WRONG), 401, "INVALID_CREDENTIALS");
    const { requestId: _a, ...a } = wrongPassword;
    const { requestId: _b, ...b } = unknownEmail;
    expect(a).toEqual(b);
    expect(Object.keys(wrongPassword).sort()).toEqual(Object.keys(unknownEmail).sort());
  });

  it("a failed sign-in sets no cookie and starts no session", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await signin(owner.email, WRONG);
    expect(res.headers.get("set-cookie")).toBeNull();
    const { rows } = await t.ownerQuery("SELECT id FROM sessions WHERE user_id = $1", [owner.userId]);
    expect(rows).toHaveLength(1); // the sign-up session only
  });

  it("records auth.signin.succeeded and auth.signin.failed audit rows with the client IP", async () => {
    const owner = await createOrgWithOwner(t);
    const okIp = randomIp();
    const badIp = randomIp();
    expect((await signin(owner.email, owner.password, okIp)).status).toBe(200);
    expect((await signin(owner.email, WRONG, badIp)).status).toBe(401);

    const succeeded = await auditRows(t, "auth.signin.succeeded", { actorUserId: owner.userId });
    expect(succeeded).toEqual([expect.objectContaining({ ip: okIp, target_id: owner.userId, organization_id: null })]);
    const failed = await auditRows(t, "auth.signin.failed", { actorUserId: owner.userId });
    expect(failed).toEqual([expect.objectContaining({ ip: badIp, metadata: { email: owner.email, reason: "wrong_password" } })]);
  });

  it("records a failed sign-in for an unknown email without an actor", async () => {
    const email = uniqueEmail("ghost");
    const ip = randomIp();
    await signin(email, WRONG, ip);
    const { rows } = await t.ownerQuery("SELECT actor_user_id, ip, metadata FROM audit_log WHERE action = 'auth.signin.failed' AND metadata->>'email' = $1", [
      email,
    ]);
    expect(rows).toEqual([{ actor_user_id: null, ip, metadata: { email, reason: "unknown_email" } }]);
  });
});

describe("brute-force limits on sign-in", () => {
  it("after 5 failures for one account from different IPs, even the right password is 429 with Retry-After", async () => {
    const owner = await createOrgWithOwner(t);
    for (let i = 0; i < 5; i++) expectProblem(await signin(owner.email, WRONG), 401, "INVALID_CREDENTIALS");
    expectRateLimited(await signin(owner.email, owner.password));
    expectRateLimited(await signin(owner.email.toUpperCase(), owner.password));
    // No session was started by the refused attempt.
    const { rows } = await t.ownerQuery("SELECT id FROM sessions WHERE user_id = $1", [owner.userId]);
    expect(rows).toHaveLength(1);
  });

  it("locking one account leaves other accounts alone", async () => {
    const locked = await createOrgWithOwner(t);
    const other = await createOrgWithOwner(t);
    for (let i = 0; i < 5; i++) await signin(locked.email, WRONG);
    expect((await signin(locked.email, locked.password)).status).toBe(429);
    expect((await signin(other.email, other.password)).status).toBe(200);
  });

  it("a successful sign-in before the limit resets the account's count", async () => {
    const owner = await createOrgWithOwner(t);
    for (let i = 0; i < 4; i++) await signin(owner.email, WRONG);
    expect((await signin(owner.email, owner.password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await signin(owner.email, WRONG)).status).toBe(401);
    expect((await signin(owner.email, owner.password)).status).toBe(200);
  });

  it("after 5 failures from one IP across different accounts, that IP is 429 while another IP can still sign in", async () => {
    const owner = await createOrgWithOwner(t);
    const attackerIp = randomIp();
    for (let i = 0; i < 5; i++) expect((await signin(uniqueEmail(`spray${i}`), WRONG, attackerIp)).status).toBe(401);
    expectRateLimited(await signin(owner.email, owner.password, attackerIp));
    expectRateLimited(await signin(uniqueEmail("spray-next"), WRONG, attackerIp));
    const fromElsewhere = await signin(owner.email, owner.password, randomIp());
    expect(fromElsewhere.status, fromElsewhere.text).toBe(200);
  });

  it("unknown emails count against the account key too, so probing cannot tell them apart", async () => {
    const email = uniqueEmail("unknown");
    for (let i = 0; i < 5; i++) expect((await signin(email, WRONG)).status).toBe(401);
    expectRateLimited(await signin(email, WRONG));
  });

  it("concurrent wrong guesses cannot get past the limit", async () => {
    const owner = await createOrgWithOwner(t);
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => signin(owner.email, `wrong guess ${i}`)));
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expectRateLimited(await signin(owner.email, owner.password));
    const failed = await auditRows(t, "auth.signin.failed", { actorUserId: owner.userId });
    expect(failed.length).toBeLessThanOrEqual(5);
  });

  it("refused attempts are not audited as password checks", async () => {
    const owner = await createOrgWithOwner(t);
    for (let i = 0; i < 5; i++) await signin(owner.email, WRONG);
    for (let i = 0; i < 3; i++) expect((await signin(owner.email, WRONG)).status).toBe(429);
    expect(await auditRows(t, "auth.signin.failed", { actorUserId: owner.userId })).toHaveLength(5);
  });
});

describe("brute-force limits on forgot-password", () => {
  it("the 6th request for one account within 15 minutes is 429, and only 5 emails are sent", async () => {
    const owner = await createOrgWithOwner(t);
    for (let i = 0; i < 5; i++) {
      const res = await t.api.post("/api/v1/auth/forgot-password", { email: owner.email });
      expect(res.status, res.text).toBe(202);
    }
    expectRateLimited(await t.api.post("/api/v1/auth/forgot-password", { email: owner.email }));
    const resetJobs = await t.ownerQuery(
      "SELECT id FROM pgboss.job WHERE name = 'mail.send' AND data->>'to' = $1 AND data->>'subject' LIKE 'Reset%' UNION ALL SELECT id FROM pgboss.archive WHERE name = 'mail.send' AND data->>'to' = $1 AND data->>'subject' LIKE 'Reset%'",
      [owner.email],
    );
    expect(resetJobs.rows).toHaveLength(5);
  });

  it("the 6th request from one IP across different accounts is 429 for that IP only", async () => {
    const owner = await createOrgWithOwner(t);
    const ip = randomIp();
    for (let i = 0; i < 5; i++) expect((await t.api.post("/api/v1/auth/forgot-password", { email: uniqueEmail(`fp${i}`) }, { ip })).status).toBe(202);
    expectRateLimited(await t.api.post("/api/v1/auth/forgot-password", { email: owner.email }, { ip }));
    expect((await t.api.post("/api/v1/auth/forgot-password", { email: owner.email }, { ip: randomIp() })).status).toBe(202);
  });

  it("an unknown address is limited the same way as a known one", async () => {
    const email = uniqueEmail("fp-unknown");
    for (let i = 0; i < 5; i++) expect((await t.api.post("/api/v1/auth/forgot-password", { email })).status).toBe(202);
    expectRateLimited(await t.api.post("/api/v1/auth/forgot-password", { email }));
    expect(await mailJobsTo(t, email)).toBe(0);
  });
});
