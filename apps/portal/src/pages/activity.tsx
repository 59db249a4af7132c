import { useRef, useState } from 'preact/hooks';
import type { SessionView } from '../api';
import { usePageTitle } from '../page-title';
import { EventStream } from './activity/event-stream';
import { MayConfigure } from './activity/explanation-box';
import { ScimLog } from './activity/scim-log';
import { SignIns } from './activity/sign-ins';
import './activity.css';

type Tab = 'scim' | 'sign-ins' | 'events';

const ALL_TABS: { id: Tab; label: string; adminOnly: boolean }[] = [
  { id: 'scim', label: 'SCIM requests', adminOnly: false },
  { id: 'sign-ins', label: 'Sign-ins', adminOnly: false },
  { id: 'events', label: 'Events', adminOnly: true },
];

/**
 * Activity: the provisioning log (every SCIM request) and the sign-in attempts, live while the page
 * is visible, each failure explained with what to do and where to do it.
 */
export function ActivityPage({ session }: { session: SessionView }) {
  const heading = usePageTitle('Activity');
  const TABS = ALL_TABS.filter((t) => session.role === 'admin' || !t.adminOnly);
  const [tab, setTab] = useState<Tab>('scim');
  const [paused, setPaused] = useState(false);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: TABS.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = (target + TABS.length) % TABS.length;
    setTab(TABS[next].id);
    tabs.current[next]?.focus();
  };

  return (
    <section aria-labelledby="activity-heading" class="activity">
      <h1 id="activity-heading" ref={heading} tabIndex={-1}>
        Activity
      </h1>
      <p class="intro">
        What your identity provider sends Rollcall (SCIM requests), every single sign-on attempt
        and, for admins, the events the rest of your platform receives. Failures say what went wrong
        and what to do. New entries appear on their own while this page is open.
      </p>
      <div class="activity-bar">
        <div role="tablist" aria-label="Activity" class="tabs">
          {TABS.map((item, index) => (
            <button
              key={item.id}
              ref={(element) => {
                tabs.current[index] = element;
              }}
              type="button"
              role="tab"
              id={`tab-${item.id}`}
              aria-controls={`panel-${item.id}`}
              aria-selected={tab === item.id}
              tabIndex={tab === item.id ? 0 : -1}
              class="tab"
              onClick={() => setTab(item.id)}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              {item.label}
            </button>
          ))}
        </div>
        <button type="button" class="secondary" onClick={() => setPaused((now) => !now)}>
          {paused ? 'Resume live updates' : 'Pause live updates'}
        </button>
      </div>
      {TABS.map((item) => (
        <div
          key={item.id}
          role="tabpanel"
          id={`panel-${item.id}`}
          aria-labelledby={`tab-${item.id}`}
          hidden={tab !== item.id}
          class="tab-panel"
        >
          {tab === item.id ? (
            <>
              <h2>{item.label}</h2>
              <MayConfigure.Provider value={session.role === 'admin'}>
                {item.id === 'scim' ? (
                  <ScimLog paused={paused} />
                ) : item.id === 'sign-ins' ? (
                  <SignIns paused={paused} />
                ) : (
                  <EventStream paused={paused} />
                )}
              </MayConfigure.Provider>
            </>
          ) : null}
        </div>
      ))}
    </section>
  );
}
