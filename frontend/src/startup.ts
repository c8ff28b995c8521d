// Start-up: the first State() calls go out from main.ts, before the app
// mounts, so the Go side answers while the page is still being built.
import type { Pinia } from 'pinia'
import { useOnboardingStore } from '@/stores/onboarding'
import { useSessionStore } from '@/stores/session'
import { useTilesStore } from '@/stores/tiles'

let started = false

/** Subscribes the stores and asks for their state, all three in parallel. Once per page. */
export function startStores(pinia: Pinia): void {
  if (started) return
  started = true
  void useSessionStore(pinia).init()
  void useOnboardingStore(pinia).init()
  void useTilesStore(pinia).init()
}

/** Whether main.ts already started the stores (AppShell then does not). */
export function storesStarted(): boolean {
  return started
}
