#!/usr/bin/env node
// The `aviso` command. Node runs the TypeScript sources directly (type stripping), which needs
// Node 22.18 or newer; `npm run aviso -- …` always uses the project's own Node.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `aviso: Node ${process.versions.node} is too old (22.18 or newer is needed). ` +
      "Run it through npm instead, which uses the project's Node: npm run aviso -- <command>",
  );
  process.exit(1);
}
await import("../src/cli/main.ts");
