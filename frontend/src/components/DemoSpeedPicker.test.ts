import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { backend, resetSeam } from '@/test/seam'
import DemoSpeedPicker from './DemoSpeedPicker.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

beforeEach(() => resetSeam())

async function mountPicker() {
  const w = mount(DemoSpeedPicker, { attachTo: document.body })
  await flushPromises()
  return { w, select: w.find<HTMLSelectElement>('[data-testid="demo-speed"]') }
}

describe('DemoSpeedPicker', () => {
  it('shows the speed the sandbox runs at and changes it live', async () => {
    const { w, select } = await mountPicker()
    expect(select.element.value).toBe('1')
    expect(select.findAll('option').map((o) => o.text())).toEqual(['1× (AWS)', '5×', '20×', '200×'])
    await select.setValue('20')
    await flushPromises()
    expect(backend.setDemoSpeed).toHaveBeenCalledWith(20)
    expect(select.element.value).toBe('20')
    w.unmount()
  })

  it('offers a --time-scale that is not among its speeds', async () => {
    backend.demoSpeed.mockResolvedValue(50)
    const { w, select } = await mountPicker()
    expect(select.element.value).toBe('50')
    expect(select.findAll('option').map((o) => o.attributes('value'))).toEqual(['1', '5', '20', '50', '200'])
    w.unmount()
  })

  it('says why a change failed and shows the speed still in force', async () => {
    backend.demoSpeed.mockResolvedValue(5)
    backend.setDemoSpeed.mockRejectedValueOnce('setting the sandbox\'s speed: it must be a positive number')
    const { w, select } = await mountPicker()
    await select.setValue('200')
    await flushPromises()
    expect(select.element.value).toBe('5')
    expect(w.find('[data-testid="demo-speed-problem"]').text()).toContain('Could not change the demo speed')
    expect(select.attributes('aria-invalid')).toBe('true')
    w.unmount()
  })
})
