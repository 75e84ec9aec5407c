// Routes of the knowledge feature. IMPLEMENTATION PENDING.
import { newRouter } from "../../http/router.js";

export function knowledgeRoutes() {
  return newRouter();
}
