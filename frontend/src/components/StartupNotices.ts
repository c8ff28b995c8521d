// The start-up notices (a damaged cache, a second instance…) as notifications.
// Lives in NaiveScope's notification provider; NaiveScope with `notices` is
// mounted once per window, so they are shown once. Renders nothing.
import { useNotification } from 'naive-ui'
import { defineComponent, onMounted } from 'vue'
import { errorMessage, notices } from '@/api/backend'

export default defineComponent({
  name: 'StartupNotices',
  setup() {
    const notification = useNotification()
    onMounted(async () => {
      try {
        for (const n of await notices()) {
          const type = n.level === 'error' ? 'error' : n.level === 'warning' ? 'warning' : 'info'
          notification.create({ type, title: n.title, content: n.message, closable: true, duration: type === 'info' ? 8000 : undefined })
        }
      } catch (e) {
        console.warn('could not read the start-up notices', errorMessage(e))
      }
    })
    return () => null
  },
})
