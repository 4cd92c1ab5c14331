import { Component, type ErrorInfo, type ReactNode } from 'react';
import { toUserMessage, type UserMessage } from '../../core/errors';

interface State {
  failure: UserMessage | null;
}

/** Catches render errors in a section and shows them as an alert; the rest stays usable. */
export class ErrorBoundary extends Component<{ children: ReactNode; area: string }, State> {
  override state: State = { failure: null };

  static getDerivedStateFromError(error: unknown): State {
    return { failure: toUserMessage('This section stopped working', error) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // For developers only; users see the alert below, never a stack.
    console.warn(`[${this.props.area}]`, error, info.componentStack);
  }

  override render() {
    const { failure } = this.state;
    if (!failure) return this.props.children;
    return (
      <div role="alert" className="notice notice-error">
        <div>
          <strong>{failure.title}</strong>
          <p>{failure.message}</p>
          <p className="hint">{failure.hint}</p>
        </div>
        <button type="button" onClick={() => this.setState({ failure: null })}>
          Try again
        </button>
      </div>
    );
  }
}
