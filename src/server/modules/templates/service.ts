// Reads industry templates (the latest version, or a given one). IMPLEMENTATION PENDING (contract only).
import type { AppContext } from "../../context.js";
import type { Industry, TemplateDefinition } from "./types.js";

export type StoredTemplate = { slug: string; version: number; definition: TemplateDefinition };

/** Throws NotFound("Template", "TEMPLATE_NOT_FOUND") when missing. */
export async function getTemplate(ctx: AppContext, slug: string, version?: number): Promise<StoredTemplate> {
  void ctx;
  void slug;
  void version;
  throw new Error("not implemented");
}

export async function listTemplates(ctx: AppContext, filter: { industry?: Industry }): Promise<StoredTemplate[]> {
  void ctx;
  void filter;
  throw new Error("not implemented");
}
