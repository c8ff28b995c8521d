import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { record, stackEvent } from '@/test/seam'
import EventTimeline from './EventTimeline.vue'
import { resourceURL } from './consoleLinks'

const events = [
  stackEvent(1, { logicalId: 'SellerDesk-Onboarding', type: 'AWS::CloudFormation::Stack', status: 'CREATE_IN_PROGRESS', physicalId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/SellerDesk-Onboarding/abc' }),
  stackEvent(2, { logicalId: 'PartnerRole', type: 'AWS::IAM::Role', status: 'CREATE_COMPLETE', physicalId: 'SellerDeskPartnerRole' }),
  stackEvent(3, { logicalId: 'CasBucket', type: 'AWS::S3::Bucket', status: 'CREATE_FAILED', physicalId: '', reason: 'sellerdesk-cas already exists' }),
]

describe('stack events table', () => {
  it('shows time, logical ID, physical ID, type, status and reason, newest first, and filters', async () => {
    const w = mount(EventTimeline, { props: { events } })
    const rows = () => w.findAll('[data-testid="event-row"]')
    expect(w.findAll('th').map((h) => h.text())).toEqual(['Time', 'Logical ID', 'Physical ID', 'Type', 'Status', 'Reason'])
    expect(rows().map((r) => r.find('.event-id').text())).toEqual(['CasBucket', 'PartnerRole', 'Stack SellerDesk-Onboarding'])
    expect(rows()[1]!.text()).toContain('SellerDeskPartnerRole')
    expect(rows()[1]!.text()).toContain('AWS::IAM::Role')
    await w.find('[data-testid="event-filter"]').setValue('iam role')
    expect(rows().map((r) => r.find('.event-id').text())).toEqual(['PartnerRole'])
    expect(w.find('[data-testid="event-count"]').text()).toBe('1 of 3')
    await w.find('[data-testid="event-filter"]').setValue('')
    await w.find('[data-testid="event-failed-only"]').setValue(true)
    expect(rows().map((r) => r.find('.event-id').text())).toEqual(['CasBucket'])
    // No console links on the sandbox (no region given).
    expect(w.find('[data-testid="event-console-link"]').exists()).toBe(false)
  })

  it('links each resource to the AWS console for a real account', async () => {
    const w = mount(EventTimeline, { props: { events, consoleRegion: 'eu-west-1', stackId: record('launching').stackId } })
    const links = w.findAll('[data-testid="event-console-link"]')
    expect(links.map((l) => l.text())).toEqual(['SellerDeskPartnerRole', events[0]!.physicalId])
    await links[0]!.trigger('click')
    expect(w.emitted('open')![0]).toEqual(['https://console.aws.amazon.com/iam/home#/roles/details/SellerDeskPartnerRole'])
    expect(resourceURL(events[0]!, 'eu-west-1', '')).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudformation\/home\?region=eu-west-1#\/stacks\/events\?stackId=arn%3Aaws/)
  })
})
