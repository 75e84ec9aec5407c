// The baseline: the barest endpoint that stores a webhook, one INSERT of the body per request, on
// node:http with a pg pool as large as the app's (10), against the same PostgreSQL and database.
// The bench starts it as its own process (`tsx bench/calls/baseline-server.ts`), like the server
// under test, so neither shares an event loop with the load generator.
import http from "node:http";
import pg from "pg";

const BASELINE_TABLE = "bench_baseline_events";

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  const port = Number(process.env.PORT ?? 0);
  if (!databaseUrl) throw new Error("DATABASE_URL is required");
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${BASELINE_TABLE} (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(), payload jsonb NOT NULL)`,
  );
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      pool.query(`INSERT INTO ${BASELINE_TABLE} (payload) VALUES ($1::jsonb)`, [Buffer.concat(chunks).toString("utf8")]).then(
        () => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"received":true}');
        },
        (error: Error) => {
          res.writeHead(503, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: error.message }));
        },
      );
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => process.stdout.write("baseline ready\n"));
  const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
