import { notifications } from '@mantine/notifications'
import type { Notice } from '../store'

/** The store's way to tell the operator something, shown as a Mantine notification. */
export function showNotice(notice: Notice): void {
  notifications.show({
    color: notice.kind === 'error' ? 'red' : 'teal',
    title: notice.title,
    message: notice.message,
    autoClose: notice.kind === 'error' ? 8000 : 4000,
  })
}
