// The start-up state the Go side writes into index.html (app.BootState), so
// the tiles render while the page is built instead of after three IPC round
// trips that WebKit answers only after DOMContentLoaded. The stores still ask
// for the state afterwards; this only removes the wait.
import { normalizeStackView, normalizeState, normalizeTilesView, type ConnectionState, type StackView, type TilesView } from '@/api/types'

export const BOOT_SCRIPT_ID = 'sellerdesk-boot'

export interface BootState {
  session: ConnectionState
  onboarding: StackView
  tiles: TilesView
}

/**
 * Reads and removes the boot element; null when the page has none (a dev
 * server, a test page) or it does not parse, and the stores then wait for IPC.
 */
export function takeBootState(doc: Document = document): BootState | null {
  const el = doc.getElementById(BOOT_SCRIPT_ID)
  if (!el) return null
  el.remove() // once: a later reader must not get stale start-up state
  try {
    const raw = JSON.parse(el.textContent ?? '') as Record<string, unknown>
    if (!raw || typeof raw !== 'object' || !raw.session || !raw.onboarding || !raw.tiles) return null
    return {
      session: normalizeState(raw.session),
      onboarding: normalizeStackView(raw.onboarding),
      tiles: normalizeTilesView(raw.tiles),
    }
  } catch (e) {
    console.warn('SellerDesk: the start-up state in the page did not parse; asking the backend instead', e)
    return null
  }
}
