export type Scope = 'read' | 'write';
export interface ApiKey {
  name: string;
  /** Hex SHA-256 of the key: the gateway never holds the key itself. */
  keySha256: string;
  scopes: readonly Scope[];
  /** Operations a minute for this key, in place of RATE_LIMIT_PER_MINUTE; 0 for no limit. */
  ratePerMinute?: number;
}
/** Who may call, and how much a call may ask (see README, Security). */
export interface SecuritySettings {
  /** 'keys': every request needs a listed key (an empty list refuses everyone); 'open': no key asked. */
  auth: 'keys' | 'open';
  apiKeys: readonly ApiKey[];
  forwardUpstreamCredentials: boolean;
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Fields cost 1, times the `first`/`last` of the lists they sit in. */
  maxCost: number;
  maxBodyBytes: number;
  /** Operations in one batched request; 0 turns batching off. */
  maxBatch: number;
  /** Operations a minute per caller without a `ratePerMinute` of its own; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Path of the allow-list (sha256 → document) when only persisted operations are accepted. */
  persistedOperationsFile: string | null;
  /** The allow-list whose operation names label the operation metrics (PERSISTED_OPERATIONS_FILE, enforced or not); other names count as `other`. */
  operationNamesFile: string;
  introspection: boolean;
  graphiql: boolean;
  csrfPrevention: boolean;
  /** Origins allowed by CORS; null keeps Yoga's default (any origin). */
  corsOrigins: readonly string[] | null;
  /** Signs cursors (CURSOR_SECRET); null: a random secret of this process. */
  cursorSecret: string | null;
}
