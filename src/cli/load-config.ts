/**
 * Configuration for a CLI command: a bad or missing variable is the operator's to fix, so it is
 * said on stderr (naming the variable, never a value) and the command exits 1, without a stack.
 */
import { type Config, ConfigError, loadConfig } from "../config.ts";

/** The configuration, or undefined once the error has been printed. */
export function loadConfigOrSay(env: Parameters<typeof loadConfig>[0]): Config | undefined {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`aviso: ${error.message}`);
    return undefined;
  }
}
