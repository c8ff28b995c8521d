import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ErrorView } from '@/api/backend'
import { backend, profileState, resetSeam } from '@/test/seam'
import { useSessionStore } from '@/stores/session'
import ConnectionAlert from './ConnectionAlert.vue'
import ErrorDetails from './ErrorDetails.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

afterEach(() => resetSeam())

const denied: ErrorView = {
  kind: 'access-denied', message: 'The identity in use is not allowed to call aws-marketplace:ListEntities.',
  next: 'Ask your AWS administrator to allow aws-marketplace:ListEntities for this identity, or pick a profile that has it. The Policies tab builds a policy that grants it.',
  code: 'AccessDeniedException', requestId: '7a62c49f-EXAMPLE', action: 'aws-marketplace:ListEntities',
}

describe('ErrorDetails', () => {
  it('shows the message, the next step, and AWS code and request ID beneath', () => {
    const w = mount(ErrorDetails, { props: { error: denied } })
    const ps = w.findAll('p')
    expect(ps.map((p) => p.attributes('data-testid'))).toEqual(['error-message', 'error-next', 'error-ref'])
    expect(w.get('[data-testid="error-message"]').text()).toBe(denied.message)
    expect(w.get('[data-testid="error-next"]').text()).toBe(`Next: ${denied.next}`)
    expect(w.get('[data-testid="error-ref"]').text()).toBe('AWS code: AccessDeniedException · Request ID: 7a62c49f-EXAMPLE')
  })

  it('has no reference line when AWS did not answer, and no next line without a next step', () => {
    const w = mount(ErrorDetails, { props: { error: { kind: 'other', message: 'No job ID given to resume.', next: '' } } })
    expect(w.find('[data-testid="error-ref"]').exists()).toBe(false)
    expect(w.find('[data-testid="error-next"]').exists()).toBe(false)
  })
})

describe('ConnectionAlert', () => {
  it('titles an unreachable profile without a word of the sandbox, and a failed switch keeps the Go words', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    resetSeam(profileState('work', {
      identity: null,
      error: { kind: 'unreachable', message: 'SellerDesk cannot reach AWS at sts.eu-west-1.amazonaws.com (the connection failed).',
        next: 'Check your network connection, VPN or proxy, then try again.' },
    }))
    const s = useSessionStore()
    await s.init()
    const w = mount(ConnectionAlert, { global: { plugins: [pinia] } })
    await flushPromises()
    const alert = w.get('[data-testid="connection-error"]')
    expect(alert.attributes('data-kind')).toBe('unreachable')
    expect(alert.text()).toContain('AWS could not be reached')
    expect(alert.text()).toContain('VPN or proxy')
    expect(alert.text().toLowerCase()).not.toContain('sandbox')

    backend.useProfile.mockRejectedValue(denied)
    await s.switchTo('profile:audit')
    await flushPromises()
    const action = w.get('[data-testid="action-error"]')
    expect(action.text()).toContain('Access denied')
    expect(action.text()).toContain('Could not switch to profile audit: The identity in use is not allowed')
    expect(action.get('[data-testid="error-ref"]').text()).toBe('AWS code: AccessDeniedException · Request ID: 7a62c49f-EXAMPLE')
  })
})
