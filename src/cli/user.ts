/**
 * `aviso user create --email … --name … --role … --org …`: creates an account, and so can bootstrap
 * the first admin (the server's one-time setup link, src/routes/setup.ts, is the other way, and the
 * only one while the server holds the embedded database). The password comes from AVISO_PASSWORD
 * or standard input (typed hidden at a terminal), never from the command line, where other users
 * of the machine and shell history would see it.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../context.ts";
import { DataDirLockedError, dataDirLockHolder, EXIT_DATA_DIR_LOCKED } from "../db/data-dir-lock.ts";
import { ApiError } from "../errors.ts";
import { CreateUserBody } from "../schemas/accounts.ts";
import { loadConfigOrSay } from "./load-config.ts";
import { EXIT_USAGE, messageOf, showHelp, usageError, wantsHelp } from "./usage.ts";

export const USER_USAGE = `Usage: aviso user create --email EMAIL --name NAME --role ROLE --org ORGANISATION

  ROLE is operator, verifier, comms or admin. The password is read from AVISO_PASSWORD, or
  from standard input (hidden when typed at a terminal); at least 12 characters.`;

type Env = Record<string, string | undefined>;

export async function runUser(args: string[], env: Env): Promise<number> {
  if (wantsHelp(args)) return showHelp(USER_USAGE);
  const [subcommand, ...rest] = args;
  if (subcommand !== "create") {
    return usageError(subcommand ? `unknown subcommand "user ${subcommand}"` : undefined, USER_USAGE);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        email: { type: "string" },
        name: { type: "string" },
        role: { type: "string" },
        org: { type: "string" },
        password: { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    return usageError(messageOf(error), USER_USAGE);
  }
  if (values.password !== undefined) {
    return usageError(
      "--password is not accepted (argv is visible to others); use AVISO_PASSWORD or stdin",
      USER_USAGE,
    );
  }
  const config = loadConfigOrSay(env);
  if (!config) return 1;
  // Before asking for a password: a server holding the embedded database makes this pointless.
  const holder = config.databaseUrl ? null : dataDirLockHolder(config.dataDir);
  if (holder) return sayLocked(new DataDirLockedError(resolve(config.dataDir), holder));
  const password = env.AVISO_PASSWORD ?? (await readPassword());
  const parsed = CreateUserBody.safeParse({
    email: values.email,
    name: values.name,
    role: values.role,
    organisation: values.org,
    password,
  });
  if (!parsed.success) {
    const flag: Record<string, string> = { organisation: "org" };
    const fields = parsed.error.issues.map((issue) => String(issue.path[0] ?? ""));
    for (const [i, issue] of parsed.error.issues.entries()) {
      const field = fields[i];
      console.error(
        `aviso: ${field === "password" ? "password" : `--${flag[field ?? ""] ?? field}`}: ${issue.message}`,
      );
    }
    console.error(`\n${USER_USAGE}`);
    // A wrong option is a mistake in the command line; a weak password (from the environment or
    // standard input) is not.
    return fields.some((field) => field !== "password") ? EXIT_USAGE : 1;
  }
  // The database code is loaded only now: a usage mistake or a refusal above answers at once.
  const [{ connectDatabase }, { migrateToLatest }, { loadZipCodes }, { createUser }] = await Promise.all([
    import("../db/connect.ts"),
    import("../db/migrate.ts"),
    import("../db/zip-codes.ts"),
    import("../services/users/create-user.ts"),
  ]);
  let handle: Awaited<ReturnType<typeof connectDatabase>>;
  try {
    handle = await connectDatabase(config);
  } catch (error) {
    if (error instanceof DataDirLockedError) return sayLocked(error);
    throw error;
  }
  try {
    await migrateToLatest(handle.db);
    await loadZipCodes(handle.db);
    const user = await createUser({
      ctx: { db: handle.db, clock: systemClock },
      input: { ...parsed.data, actor: "system" },
    });
    console.log(`Created ${user.role} ${user.email} (${user.id}) in ${user.organisation.name}`);
    return 0;
  } catch (error) {
    if (error instanceof ApiError) {
      console.error(`aviso: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await handle.close();
  }
}

/** Refused because another process has the embedded database: say how to get an account anyway. */
function sayLocked(error: DataDirLockedError): number {
  console.error(`aviso: ${error.message}`);
  if (error.holder?.command.includes("serve")) {
    console.error(
      "\nThe server is running on this DATA_DIR, so create accounts through it instead:\n" +
        "  - the first admin: open the one-time setup link the server printed when it started\n" +
        "    (…/setup?token=…; restart the server to get a new one while no admin exists);\n" +
        "  - everyone else: sign in to the console as an admin and add them under Users (/console/users).",
    );
  }
  return EXIT_DATA_DIR_LOCKED;
}

async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  }
  process.stderr.write("Password (hidden): ");
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let typed = "";
    const onData = (data: Buffer) => {
      for (const char of data.toString("utf8")) {
        if (char === "\r" || char === "\n" || char === "\u0004") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          resolve(typed);
          return;
        }
        if (char === "\u0003") process.exit(130);
        typed = char === "\u007f" ? typed.slice(0, -1) : typed + char;
      }
    };
    stdin.on("data", onData);
  });
}
