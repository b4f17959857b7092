/**
 * Node's own llhttp binding: the parser node:http runs (lib/_http_common.js), used directly
 * where node:http's objects and streams cost more than the exchange (the plugin's transport,
 * the engine's bulk reads). `_http_common` is not a documented module and not in @types/node,
 * so its shape is written here, once; the transports' tests fail if it moves.
 * docs/dependencies.md says why this parser and what it measured.
 */
export interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenientFlags: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  close(): void;
  [callback: number]: unknown;
}

interface HttpCommon {
  HTTPParser: {
    new (): LlhttpParser;
    REQUEST: number;
    RESPONSE: number;
    kLenientNone: number;
    kOnMessageBegin: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
  /** Method names by the index the parser reports. */
  methods: readonly string[];
}

export const { HTTPParser, methods } = process.getBuiltinModule('_http_common') as HttpCommon;
