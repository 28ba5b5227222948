// Hand-written: what the window's JavaScript finds on `window`, and the helpers that type `call`
// (ui/js/api.js) by the generated `Commands` table (bindings.d.ts, generated from the Rust types).
import type { ApiError, Commands, ShellEvent } from "./bindings";

/** A command's name. */
export type CommandName = keyof Commands;

/** The argument object of a command, by name. */
export type ArgsOf<C extends CommandName> = Commands[C]["args"];

/** What a command returns, by name. */
export type ResultOf<C extends CommandName> = Commands[C]["result"];

/** Tauri's invoke options (headers of a raw-body command). */
export interface InvokeOptions {
  headers?: Record<string, string>;
}

/**
 * The rest of `call`'s parameters after the command's name: the argument object (which may be
 * left out when every argument is optional) and Tauri's options.
 */
export type CallRest<C extends CommandName> = Record<string, never> extends ArgsOf<C>
  ? [args?: ArgsOf<C>, options?: InvokeOptions]
  : [args: ArgsOf<C>, options?: InvokeOptions];

/** An error as `call` throws it: the shell's `ApiError`. */
export type CallError = ApiError;

export type { ShellEvent };

declare global {
  interface Window {
    /** Tauri's global API (`app.withGlobalTauri`): only what the window uses. */
    __TAURI__: {
      core: {
        invoke(cmd: string, args?: unknown, options?: InvokeOptions): Promise<unknown>;
      };
      event: {
        listen(name: ShellEvent, handler: (event: unknown) => void): Promise<() => void>;
      };
    };
    /** Errors of the page itself, kept for the end-to-end tests. */
    __errors: string[];
    /** Timings the end-to-end tests and benchmarks read. */
    __perf: {
      boot: number;
      searchTimings: { query: string; dom: number; frame: number; hits: number }[];
      payReady?: number;
      signinReady?: number;
    };
  }
}
