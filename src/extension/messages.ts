/**
 * Every message between the extension's contexts, in one discriminated union named by
 * direction (style.md, principle 6): `ui-bg-*` go from the options page or popup to the background.
 */
import type { MergedSettings, SettingName, SettingProblem, Settings, SettingSource } from '../core/settings/index.ts';

/** What the UI needs to render the settings. */
export interface SettingsView {
  readonly values: Settings;
  readonly locked: readonly SettingName[];
  readonly sources: { readonly [K in SettingName]: SettingSource };
  readonly problems: readonly SettingProblem[];
}

/** Result of a change request from the UI. */
export type SetSettingResult = { ok: true; view: SettingsView } | { ok: false; message: string };

/** The extension's one-glance status for the popup. */
export interface StatusView {
  readonly enabled: boolean;
  readonly cacheEnabled: boolean;
  readonly sharing: 'off' | 'no-lan-node' | 'configured';
  readonly lockedByPolicy: boolean;
  readonly problems: number;
  /** When the background started (ms since epoch); lets tests see a restart. */
  readonly startedAt: number;
}

export type Request =
  | { readonly type: 'ui-bg-get-settings' }
  | { readonly type: 'ui-bg-set-setting'; readonly name: string; readonly value: unknown }
  | { readonly type: 'ui-bg-get-status' };

interface Responses {
  'ui-bg-get-settings': SettingsView;
  'ui-bg-set-setting': SetSettingResult;
  'ui-bg-get-status': StatusView;
}

export type ResponseOf<R extends Request> = Responses[R['type']];

/** The background is a map of handlers, one per request type. */
export type MessageHandlers = {
  readonly [T in Request['type']]: (request: Extract<Request, { type: T }>) => Promise<Responses[T]>;
};

const TYPES: ReadonlySet<string> = new Set<Request['type']>(['ui-bg-get-settings', 'ui-bg-set-setting', 'ui-bg-get-status']);

/** True for a well-formed request; anything else is ignored by the background. */
export function isRequest(m: unknown): m is Request {
  if (typeof m !== 'object' || m === null || !TYPES.has((m as { type?: unknown }).type as string)) return false;
  return (m as { type: string }).type !== 'ui-bg-set-setting' || typeof (m as { name?: unknown }).name === 'string';
}

/** Turns merged settings into the view sent to the UI. */
export function toView(m: MergedSettings): SettingsView {
  return { values: m.values, locked: m.locked, sources: m.sources, problems: m.problems };
}
