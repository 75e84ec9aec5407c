// The LLM settings of config.ts: off unless LLM_BASE_URL is set, a model required with it, and clear
// errors for half a configuration.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/server/config.js";

const base = { NODE_ENV: "test" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("config.llm", () => {
  it("is null when no endpoint is configured (the template engine answers)", () => {
    expect(loadConfig(base).llm).toBeNull();
    expect(loadConfig({ ...base, LLM_BASE_URL: "" }).llm).toBeNull();
  });

  it("reads the endpoint, model, key and timeout, dropping a trailing slash", () => {
    expect(
      loadConfig({ ...base, LLM_BASE_URL: "https://api.openai.com/v1/", LLM_MODEL: "gpt-4o-mini", LLM_API_KEY: "sk-abc", LLM_TIMEOUT_MS: "15000" }).llm,
    ).toEqual({
      baseUrl: "https://api.openai.com/v1",
      apiKey: "sk-abc",
      model: "gpt-4o-mini",
      timeoutMs: 15_000,
    });
  });

  it("needs no key (local servers) and defaults the timeout to 20 s", () => {
    expect(loadConfig({ ...base, LLM_BASE_URL: "http://localhost:11434/v1", LLM_MODEL: "llama3.1" }).llm).toEqual({
      baseUrl: "http://localhost:11434/v1",
      apiKey: undefined,
      model: "llama3.1",
      timeoutMs: 20_000,
    });
  });

  it.each([
    [{ LLM_BASE_URL: "http://localhost:11434/v1" }, /^LLM_MODEL: required when LLM_BASE_URL is set/],
    [{ LLM_MODEL: "gpt-4o-mini" }, /^LLM_BASE_URL: required when LLM_MODEL or LLM_API_KEY is set/],
    [{ LLM_API_KEY: "sk-abc" }, /^LLM_BASE_URL: required/],
    [{ LLM_BASE_URL: "not a url", LLM_MODEL: "m" }, /^LLM_BASE_URL: /],
    [{ LLM_BASE_URL: "http://localhost:1/v1", LLM_MODEL: "m", LLM_TIMEOUT_MS: "0" }, /^LLM_TIMEOUT_MS: /],
    [{ LLM_BASE_URL: "http://localhost:1/v1", LLM_MODEL: "m", LLM_TIMEOUT_MS: "soon" }, /^LLM_TIMEOUT_MS: /],
  ])("refuses %j with a clear problem", (env, problem) => {
    const problems = problemsOf({ ...base, ...env });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it("never puts the API key in a configuration error", () => {
    const problems = problemsOf({ ...base, LLM_API_KEY: "sk-secret-value-123" });
    expect(problems.join("\n")).not.toContain("sk-secret-value-123");
  });
});
