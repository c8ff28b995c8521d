// Start-up: the first State() calls go out from main.ts, before the app
// mounts, so the Go side answers while the page is still being built.
import type { Pinia } from 'pinia'
import { takeBootState } from '@/boot'
import { useOnboardingStore } from '@/stores/onboarding'
import { useSessionStore } from '@/stores/session'
import { useTilesStore } from '@/stores/tiles'

let started = false

/**
 * Subscribes the stores and asks for their state, all three in parallel,
 * showing the state written into the page first when there is one. Once per page.
 */
export function startStores(pinia: Pinia, doc: Document = document): void {
  if (started) return
  started = true
  const boot = takeBootState(doc)
  void useSessionStore(pinia).init(boot?.session)
  void useOnboardingStore(pinia).init(boot?.onboarding)
  void useTilesStore(pinia).init(boot?.tiles)
}

/** Whether main.ts already started the stores (AppShell then does not). */
export function storesStarted(): boolean {
  return started
}
