// Routes of the templates feature. IMPLEMENTATION PENDING.
import { newRouter } from "../../http/router.js";

export function templateRoutes() {
  return newRouter();
}
