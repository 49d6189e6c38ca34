#!/usr/bin/env node
// The `aviso` command. Node runs the TypeScript sources directly (type stripping, Node 22.18+).
import "../src/cli/main.ts";
