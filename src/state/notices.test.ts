// Notices: a repeated message is one notice, at most five are shown, and all can be dismissed at once.
import { describe, expect, it } from 'vitest';
import { useStudio, withNotice, type Notice } from './store';

const notice = (id: number, title: string, message = 'm'): Notice => ({ id, level: 'warning', title, message, hint: 'h' });

describe('notices', () => {
  it('replace an earlier notice with the same title and message, and keep the newest five', () => {
    let list: Notice[] = [];
    list = withNotice(list, notice(1, 'Import failed'));
    list = withNotice(list, notice(2, 'Import failed', 'other file'));
    list = withNotice(list, notice(3, 'Import failed'));
    expect(list.map((n) => n.id)).toEqual([2, 3]);
    for (let i = 4; i < 12; i++) list = withNotice(list, notice(i, `n${i}`));
    expect(list.map((n) => n.id)).toEqual([7, 8, 9, 10, 11]);
  });

  it('are all dismissed at once', () => {
    const s = useStudio.getState();
    s.reportWarning({ title: 'a', message: 'x', hint: 'y' });
    s.reportError('b', new Error('boom'));
    expect(useStudio.getState().notices).toHaveLength(2);
    useStudio.getState().dismissAllNotices();
    expect(useStudio.getState().notices).toHaveLength(0);
  });
});
