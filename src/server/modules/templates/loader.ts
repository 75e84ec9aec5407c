// Loads the template files of /templates into the database at start: each file is validated,
// and a file whose content changed becomes a new version. IMPLEMENTATION PENDING (contract only).
import type { Database } from "../../db/client.js";

export async function syncTemplates(db: Database, directory: string): Promise<{ loaded: number; newVersions: number }> {
  void db;
  void directory;
  return { loaded: 0, newVersions: 0 };
}
