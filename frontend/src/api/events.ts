// The seam in front of the Wails runtime: the only file that imports
// wailsjs/runtime. Event names are the Go constants of app/platform.go.
import {
  BrowserOpenURL,
  ClipboardSetText,
  EventsOn,
  WindowSetTitle,
} from '../../wailsjs/runtime/runtime'
import { normalizeBulk, normalizeChangeSet, normalizeEntities, normalizeTags, type BulkView, type ChangeSetView, type EntitiesView, type TagsUpdate } from './catalogTypes'
import { normalizeStackView, normalizeState, normalizeTilesView, type ConnectionState, type MFAPrompt, type SSODeviceCode, type SSOResult, type StackView, type TilesView } from './types'

export const EventSessionChanged = 'session:changed'
export const EventMFAPrompt = 'mfa:prompt'
/** app.EventMFAClosed: a prompt no longer waits (answered, cancelled, timed out, target changed). */
export const EventMFAClosed = 'mfa:closed'
export const EventSSODeviceCode = 'sso:device-code'
export const EventSSODone = 'sso:done'
/** app.EventOnboardingChanged (app/onboarding.go): carries a StackView. */
export const EventOnboardingChanged = 'onboarding:changed'
/** app.EventTilesChanged (app/tiles.go): carries a TilesView. */
export const EventTilesChanged = 'tiles:changed'
/** app.EventCatalog* (app/catalog.go). */
export const EventCatalogEntities = 'catalog:entities'
export const EventCatalogTags = 'catalog:tags'
export const EventCatalogBulk = 'catalog:bulk'
export const EventCatalogChangeSet = 'catalog:changeset'

type Unsubscribe = () => void

/** Whether the page runs inside Wails (or the web bridge that mimics it). */
function hasRuntime(): boolean {
  return typeof window !== 'undefined' && (window as { runtime?: unknown }).runtime != null
}

function on<T>(name: string, cb: (payload: T) => void): Unsubscribe {
  if (!hasRuntime()) return () => {}
  return EventsOn(name, (payload: T) => cb(payload))
}

export function onSessionChanged(cb: (state: ConnectionState) => void): Unsubscribe {
  return on<unknown>(EventSessionChanged, (raw) => cb(normalizeState(raw)))
}

export function onMfaPrompt(cb: (prompt: MFAPrompt) => void): Unsubscribe {
  return on(EventMFAPrompt, cb)
}

export function onMfaClosed(cb: (requestId: string) => void): Unsubscribe {
  return on<{ requestId?: unknown }>(EventMFAClosed, (raw) => {
    if (typeof raw?.requestId === 'string') cb(raw.requestId)
  })
}

export function onSsoDeviceCode(cb: (code: SSODeviceCode) => void): Unsubscribe {
  return on(EventSSODeviceCode, cb)
}

export function onSsoDone(cb: (result: SSOResult) => void): Unsubscribe {
  return on<SSOResult>(EventSSODone, (r) => cb({ ...r, error: r.error ?? null }))
}

export function onOnboardingChanged(cb: (view: StackView) => void): Unsubscribe {
  return on<unknown>(EventOnboardingChanged, (raw) => cb(normalizeStackView(raw)))
}

export function onTilesChanged(cb: (view: TilesView) => void): Unsubscribe {
  return on<unknown>(EventTilesChanged, (raw) => cb(normalizeTilesView(raw)))
}

/** Entity list meta (no list): re-read the list when version moves. */
export function onCatalogEntities(cb: (view: EntitiesView) => void): Unsubscribe {
  return on<unknown>(EventCatalogEntities, (raw) => cb(normalizeEntities(raw)))
}

export function onCatalogTags(cb: (u: TagsUpdate) => void): Unsubscribe {
  return on<unknown>(EventCatalogTags, (raw) => cb(normalizeTags(raw)))
}

export function onCatalogBulk(cb: (v: BulkView) => void): Unsubscribe {
  return on<unknown>(EventCatalogBulk, (raw) => cb(normalizeBulk(raw)))
}

export function onCatalogChangeSet(cb: (v: ChangeSetView) => void): Unsubscribe {
  return on<unknown>(EventCatalogChangeSet, (raw) => cb(normalizeChangeSet(raw)))
}

export function setWindowTitle(title: string): void {
  document.title = title
  if (hasRuntime()) WindowSetTitle(title)
}

/** Opens a link in the user's browser (never inside the app window). */
export function openURL(url: string): void {
  if (hasRuntime()) BrowserOpenURL(url)
  else window.open(url, '_blank', 'noopener')
}

/** Copies text with the Wails clipboard, falling back to the browser's. */
export async function copyText(text: string): Promise<boolean> {
  if (hasRuntime()) {
    try {
      if (await ClipboardSetText(text)) return true
    } catch {
      // fall through to the browser clipboard
    }
  }
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}
