// Routes of the assistants feature. IMPLEMENTATION PENDING.
import { newRouter } from "../../http/router.js";

export function assistantRoutes() {
  return newRouter();
}
