// Which conversation engine a platform uses: the LLM engine when a model endpoint is configured
// (LLM_BASE_URL), else the deterministic template engine. One engine per configuration, so the
// LLM engine's circuit breaker is shared by every session of the instance.
import type { Config } from "../../config.js";
import type { ConversationEngine } from "./engine.js";
import { createLlmEngine } from "./llm-engine.js";
import { createTemplateEngine, type TemplateEngineOptions } from "./template-engine.js";

const engines = new WeakMap<Config, ConversationEngine>();

export function conversationEngineFor(config: Config, templateOptions: TemplateEngineOptions = {}): ConversationEngine {
  if (!config.llm) return createTemplateEngine(templateOptions);
  let engine = engines.get(config);
  if (!engine) {
    engine = createLlmEngine(config.llm);
    engines.set(config, engine);
  }
  return engine;
}
