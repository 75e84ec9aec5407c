// Hostile and odd input on the account routes: every refusal is RFC 9457 problem+json with a
// stable code (never a 500), and any Unicode PostgreSQL can store comes back byte-for-byte.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/auth.js";
import { createOrgWithOwner, uniqueEmail } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

const PASSWORD = "correct horse battery staple";
const ONE_MIB = 1_048_576;

function signupInput(overrides: Record<string, unknown> = {}) {
  return { email: uniqueEmail("input"), password: PASSWORD, name: "Ines Input", organizationName: "Input Ltd", ...overrides };
}

function paths(problem: { errors?: { path: string }[] }) {
  return (problem.errors ?? []).map((e) => e.path).sort();
}

describe("malformed requests", () => {
  it.each([
    ["a cut-off object", '{"email": "a@example.com", '],
    ["single quotes", "{'email': 'a@example.com'}"],
    ["a trailing comma", '{"email": "a@example.com",}'],
    ["plain words", "sign me up"],
    ["an empty body", ""],
  ])("malformed JSON (%s) is 400 MALFORMED_JSON", async (_label, rawBody) => {
    const res = await t.api.request("POST", "/api/v1/auth/signup", { rawBody, headers: { "content-type": "application/json" } });
    const problem = expectProblem(res, 400, "MALFORMED_JSON");
    expect(problem.type).toBe("https://switchboard.dev/problems/malformed-json");
    expect(problem.requestId).toEqual(expect.any(String));
  });

  it("wrong types are 422 VALIDATION_FAILED naming each field", async () => {
    const res = await t.api.post("/api/v1/auth/signup", { email: 42, password: true, name: ["Ada"], organizationName: { name: "x" } });
    const problem = expectProblem(res, 422, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual(["body.email", "body.name", "body.organizationName", "body.password"]);
    for (const error of problem.errors ?? []) expect(error.message).toEqual(expect.any(String));
  });

  it("missing fields are 422 naming each of them", async () => {
    const problem = expectProblem(await t.api.post("/api/v1/auth/signup", {}), 422, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual(["body.email", "body.name", "body.organizationName", "body.password"]);
  });

  it.each([
    ["null", "null"],
    ["an array", "[1, 2, 3]"],
    ["a string", '"hello"'],
    ["a number", "42"],
  ])("a JSON body that is %s instead of an object is 422", async (_label, rawBody) => {
    const res = await t.api.request("POST", "/api/v1/auth/signin", { rawBody, headers: { "content-type": "application/json" } });
    const problem = expectProblem(res, 422, "VALIDATION_FAILED");
    expect(problem.errors?.[0]?.path).toBe("body");
  });

  it("unknown fields are 422 and nothing is created", async () => {
    const input = signupInput({ isSuperAdmin: true, role: "admin" });
    const problem = expectProblem(await t.api.post("/api/v1/auth/signup", input), 422, "VALIDATION_FAILED");
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "body.isSuperAdmin", code: "unrecognized_key" }),
        expect.objectContaining({ path: "body.role", code: "unrecognized_key" }),
      ]),
    );
    expect(await countRows(t, "SELECT id FROM users WHERE email = $1", [input.email])).toBe(0);
  });

  it("a __proto__ key is an unknown field, not a prototype change", async () => {
    const rawBody = `{"email": "${uniqueEmail("proto")}", "password": "${PASSWORD}", "__proto__": {"isSuperAdmin": true}}`;
    const res = await t.api.request("POST", "/api/v1/auth/signin", { rawBody, headers: { "content-type": "application/json" } });
    const problem = expectProblem(res, 422, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual(["body.__proto__"]);
  });

  it("an invalid email address is 422 on body.email", async () => {
    for (const email of ["not-an-email", "a@", "@example.com", "a b@example.com", "", `${"x".repeat(250)}@example.com`]) {
      const problem = expectProblem(await t.api.post("/api/v1/auth/signup", signupInput({ email })), 422, "VALIDATION_FAILED");
      expect(paths(problem), email).toContain("body.email");
    }
  });

  it("a body over BODY_LIMIT_BYTES is 413 BODY_TOO_LARGE, with or without a Content-Length header", async () => {
    const rawBody = JSON.stringify(signupInput({ name: "x".repeat(ONE_MIB) }));
    const streamed = await t.api.request("POST", "/api/v1/auth/signup", { rawBody, headers: { "content-type": "application/json" } });
    expectProblem(streamed, 413, "BODY_TOO_LARGE");
    const declared = await t.api.request("POST", "/api/v1/auth/signup", {
      rawBody,
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(rawBody)) },
    });
    expectProblem(declared, 413, "BODY_TOO_LARGE");
  });

  it("a body just under the limit is read and validated (422, not 413)", async () => {
    const filler = "x".repeat(ONE_MIB - 1_000);
    const problem = expectProblem(await t.api.post("/api/v1/auth/signup", signupInput({ name: filler })), 422, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual(["body.name"]);
  });

  it("malformed JSON that is also too large is 413", async () => {
    const rawBody = `{"name": "${"x".repeat(ONE_MIB + 10)}`;
    expectProblem(await t.api.request("POST", "/api/v1/auth/signup", { rawBody, headers: { "content-type": "application/json" } }), 413, "BODY_TOO_LARGE");
  });

  it.each([
    ["name", { name: "n".repeat(121) }],
    ["organizationName", { organizationName: "o".repeat(121) }],
    ["password", { password: "p".repeat(257) }],
    ["name", { name: "n".repeat(100_000) }],
  ])("a very long %s is 422", async (field, overrides) => {
    const problem = expectProblem(await t.api.post("/api/v1/auth/signup", signupInput(overrides)), 422, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual([`body.${field}`]);
  });

  it("names at exactly the maximum length are accepted", async () => {
    const input = signupInput({ name: "n".repeat(120), organizationName: "o".repeat(120) });
    const res = await t.api.post("/api/v1/auth/signup", input);
    expect(res.status, res.text).toBe(201);
  });

  it("a password shorter than 10 characters is 422 with a helpful message", async () => {
    const problem = expectProblem(await t.api.post("/api/v1/auth/signup", signupInput({ password: "short" })), 422, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([expect.objectContaining({ path: "body.password", message: "Use at least 10 characters." })]);
  });

  it.each([
    ["blank", "   "],
    ["empty", ""],
    ["only newlines and tabs", "\n\t\n"],
  ])("a %s name is 422", async (_label, name) => {
    const problem = expectProblem(await t.api.post("/api/v1/auth/signup", signupInput({ name })), 422, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual(["body.name"]);
  });

  it("a request with a non-JSON content type is refused with problem+json, not a 500", async () => {
    const res = await t.api.request("POST", "/api/v1/auth/signup", { rawBody: JSON.stringify(signupInput()), headers: { "content-type": "text/plain" } });
    expect(res.status).toBe(415);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("deeply nested JSON is refused without a 500", async () => {
    const depth = 100_000;
    const rawBody = `{"email": "${uniqueEmail("deep")}", "password": ${"[".repeat(depth)}${"]".repeat(depth)}}`;
    const res = await t.api.request("POST", "/api/v1/auth/signin", { rawBody, headers: { "content-type": "application/json" } });
    expect([400, 422]).toContain(res.status);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });
});

describe("unknown routes", () => {
  it.each([
    ["GET", "/api/v1/nope"],
    ["POST", "/api/v1/auth/not-a-route"],
    ["GET", "/api/v1/auth/signup"],
    ["DELETE", "/api/v1/me"],
  ])("%s %s is 404 ROUTE_NOT_FOUND problem+json", async (method, path) => {
    const problem = expectProblem(await t.api.request(method, path), 404, "ROUTE_NOT_FOUND");
    expect(problem.detail).toContain(path);
  });
});

describe("text is stored exactly as sent", () => {
  const oddNames: [string, string][] = [
    ["emoji with skin tone and ZWJ family", "Ana 👩🏽‍💻 and 👨‍👩‍👧‍👦"],
    ["right-to-left Arabic and Hebrew", "مرحبا بالعالم שלום"],
    ["an RTL override character", "abc\u202Eevil\u202C"],
    ["combining marks (decomposed)", "Zoe\u0308 Cafe\u0301 Z̸̢͇̈́a̷l̴g̸o̵"],
    ["precomposed accents", "Zoë Café"],
    ["zero-width joiner and non-joiner", "a\u200Db\u200Cc\u200Bd"],
    ["CJK", "山田太郎 株式会社 한국어"],
    ["SQL-looking text", "'; DROP TABLE users; --"],
    ["HTML-looking text", "<script>alert(1)</script>"],
    ["quotes and backslashes", `O'Brien "the \\ one"`],
    ["astral-plane math letters", "𝕳𝖊𝖑𝖑𝖔"],
    ["a leading and trailing space", "  padded  "],
  ];

  it.each(oddNames)("a name with %s survives sign-up and GET /me byte-for-byte", async (_label, name) => {
    const input = signupInput({ name, organizationName: name });
    const res = await t.api.post("/api/v1/auth/signup", input);
    expect(res.status, res.text).toBe(201);
    const me = await t.api.get("/api/v1/me", { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.user.name).toBe(name);
    expect(me.body.memberships[0].name).toBe(name);
    expect(Buffer.from(me.body.user.name, "utf8").equals(Buffer.from(name, "utf8"))).toBe(true);
    const { rows } = await t.ownerQuery<{ name: string; org_name: string }>(
      "SELECT u.name, o.name AS org_name FROM users u JOIN memberships m ON m.user_id = u.id JOIN organizations o ON o.id = m.organization_id WHERE u.id = $1",
      [res.body.userId],
    );
    expect(rows).toEqual([{ name, org_name: name }]);
  });

  it("the users table survives a SQL-looking name", async () => {
    const before = await countRows(t, "SELECT id FROM users");
    const owner = await createOrgWithOwner(t, { name: "Robert'); DROP TABLE users;--" });
    expect(await countRows(t, "SELECT id FROM users")).toBe(before + 1);
    const me = await t.api.get("/api/v1/me", { token: owner.accessToken });
    expect(me.body.user.name).toBe("Robert'); DROP TABLE users;--");
  });

  it.each(oddNames)("PATCH /me stores a name with %s byte-for-byte", async (_label, name) => {
    const owner = await createOrgWithOwner(t);
    const patched = await t.api.patch("/api/v1/me", { name }, { token: owner.accessToken });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.name).toBe(name);
    expect((await t.api.get("/api/v1/me", { token: owner.accessToken })).body.user.name).toBe(name);
  });

  it("the verification email escapes an HTML-looking name", async () => {
    const input = signupInput({ name: "<img src=x onerror=alert(1)>" });
    expect((await t.api.post("/api/v1/auth/signup", input)).status).toBe(201);
    const mail = await t.mail.waitFor(input.email);
    expect(mail.text).toContain("<img src=x onerror=alert(1)>");
    expect(mail.html).not.toContain("<img src=x");
    expect(mail.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("text PostgreSQL cannot store, or that is not Unicode", () => {
  it.each([
    ["name", "a\u0000b"],
    ["organizationName", "\u0000"],
  ])("a NUL character in %s is 422", async (field, value) => {
    const problem = expectProblem(await t.api.post("/api/v1/auth/signup", signupInput({ [field]: value })), 422, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([expect.objectContaining({ path: `body.${field}`, message: "Must not contain NUL characters." })]);
  });

  it.each([
    ["a lone high surrogate", "\\ud800"],
    ["a lone low surrogate", "\\udc00"],
    ["reversed surrogates", "\\udc00\\ud800"],
  ])("%s in a name is 422", async (_label, escaped) => {
    const rawBody = `{"email": "${uniqueEmail("surrogate")}", "password": "${PASSWORD}", "name": "Ada ${escaped}", "organizationName": "Fine"}`;
    const res = await t.api.request("POST", "/api/v1/auth/signup", { rawBody, headers: { "content-type": "application/json" } });
    const problem = expectProblem(res, 422, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([expect.objectContaining({ path: "body.name", message: "Must be valid Unicode." })]);
  });

  it("a lone surrogate in PATCH /me is 422 and the name is unchanged", async () => {
    const owner = await createOrgWithOwner(t, { name: "Before Name" });
    const res = await t.api.request("PATCH", "/api/v1/me", {
      rawBody: '{"name": "x\\ud83d"}',
      headers: { "content-type": "application/json" },
      token: owner.accessToken,
    });
    expectProblem(res, 422, "VALIDATION_FAILED");
    expect((await t.api.get("/api/v1/me", { token: owner.accessToken })).body.user.name).toBe("Before Name");
  });

  it("a lone surrogate in a password is 422 (it cannot be encoded, so two such passwords would collide)", async () => {
    const rawBody = `{"email": "${uniqueEmail("surrogate-pw")}", "password": "\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800", "name": "Ada", "organizationName": "Fine"}`;
    const res = await t.api.request("POST", "/api/v1/auth/signup", { rawBody, headers: { "content-type": "application/json" } });
    const problem = expectProblem(res, 422, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual(["body.password"]);
  });

  it("a NUL character in an email is 422", async () => {
    const problem = expectProblem(await t.api.post("/api/v1/auth/signin", { email: "a\u0000@example.com", password: PASSWORD }), 422, "VALIDATION_FAILED");
    expect(paths(problem)).toEqual(["body.email"]);
  });

  it("a NUL character or lone surrogate in a token is refused without a 500", async () => {
    for (const rawBody of ['{"token": "ve_\\u0000"}', '{"token": "ve_\\ud800"}']) {
      const res = await t.api.request("POST", "/api/v1/auth/verify-email", { rawBody, headers: { "content-type": "application/json" } });
      expect([401, 422], rawBody).toContain(res.status);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    for (const rawBody of ['{"refreshToken": "rt_\\u0000"}', '{"refreshToken": "rt_\\ud800"}']) {
      const res = await t.api.request("POST", "/api/v1/auth/refresh", { rawBody, headers: { "content-type": "application/json" } });
      expect([401, 422], rawBody).toContain(res.status);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
  });
});

describe("no input makes an account route answer 500", () => {
  const routes: [string, string][] = [
    ["POST", "/api/v1/auth/signup"],
    ["POST", "/api/v1/auth/signin"],
    ["POST", "/api/v1/auth/refresh"],
    ["POST", "/api/v1/auth/signout"],
    ["POST", "/api/v1/auth/verify-email"],
    ["POST", "/api/v1/auth/forgot-password"],
    ["POST", "/api/v1/auth/reset-password"],
    ["PATCH", "/api/v1/me"],
    ["POST", "/api/v1/me/password"],
    ["POST", "/api/v1/me/email"],
  ];
  const bodies = [
    "{",
    "null",
    "[]",
    '{"email": null, "password": null, "token": null, "refreshToken": null, "name": null}',
    '{"email": {"$gt": ""}, "password": {"$ne": null}}',
    '{"token": "\\u0000", "refreshToken": "\\ud800", "email": "\\u0000@x.io", "name": "\\udfff"}',
    `{"token": "${"t".repeat(5_000)}", "refreshToken": "${"r".repeat(5_000)}", "email": "${"e".repeat(5_000)}@x.io", "password": "${"p".repeat(5_000)}"}`,
    '{"newEmail": 1, "currentPassword": [], "newPassword": {}}',
  ];

  it("every malformed body gets a 4xx problem+json", async () => {
    const owner = await createOrgWithOwner(t);
    for (const [method, path] of routes) {
      for (const rawBody of bodies) {
        const res = await t.api.request(method, path, { rawBody, headers: { "content-type": "application/json" }, token: owner.accessToken });
        const label = `${method} ${path} ${rawBody.slice(0, 60)}`;
        expect(res.status, `${label} → ${res.text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${label} → ${res.text}`).toBeLessThan(500);
        expect(res.headers.get("content-type"), label).toMatch(/^application\/problem\+json/);
      }
    }
  });
});
