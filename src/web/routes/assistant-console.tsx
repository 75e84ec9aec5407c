// The test console of an assistant (/assistants/:id/test?session=…): talk to it as a caller
// would, by text or voice, watching its replies stream in and its tools run. Each session is a real
// test call: it runs the same tools, lands in the call log marked "Test", and is not billed.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { ArrowLeft, FlaskConical, PhoneOff, RotateCcw, Sparkles } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { type Assistant, assistantQuery } from "../api/assistants";
import { callKeys } from "../api/calls";
import { consoleKeys, endTestSession, startTestSession, type TestSession, testSessionQuery } from "../api/console";
import { ApiProblem, problemMessage } from "../api/problem";
import { Alert } from "../components/alert";
import { Button, buttonClasses } from "../components/button";
import { ConsoleTranscript } from "../components/console/console-transcript";
import { MessageComposer } from "../components/console/message-composer";
import { engineLabel, SessionDetails } from "../components/console/session-details";
import { useConsoleConversation } from "../components/console/use-console-conversation";
import { dictationSupported, useSpokenReplies } from "../components/console/use-speech";
import { PageHeader, Panel } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { useCurrentOrganization } from "../lib/current-organization";

const route = getRouteApi("/app/orgs/$orgId/assistants/$assistantId/test");

/** The longest caller line the console sends (the API refuses longer ones). */
export const CALLER_LINE_MAX_CHARS = 1000;

function BackToAssistant({ orgId, assistantId }: { orgId: string; assistantId: string }) {
  return (
    <Link to="/orgs/$orgId/assistants/$assistantId" params={{ orgId, assistantId }} className={buttonClasses("ghost", "sm", "-ml-2.5 mb-3 text-zinc-500")}>
      <ArrowLeft aria-hidden className="size-3.5" />
      Back to the assistant
    </Link>
  );
}

type ConsoleProps = { orgId: string; assistant: Assistant; session: TestSession; onEnded: (session: TestSession) => void };
type Speech = ReturnType<typeof useSpokenReplies>;

function Conversation({ orgId, assistant, session, onEnded, speech, language }: ConsoleProps & { speech: Speech; language: string }) {
  const queryClient = useQueryClient();
  const { lines, sending, send } = useConsoleConversation(orgId, session);
  const [announcement, setAnnouncement] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const live = session.status === "open";

  // The caller's line has focus from the start of each session.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per session.
  useEffect(() => {
    input.current?.focus();
  }, [session.id]);

  const onSend = async (text: string) => {
    const outcome = await send(text);
    if (!outcome.ok) {
      // Ended elsewhere (another tab, the idle timeout): show it as ended.
      if (outcome.error instanceof ApiProblem && outcome.error.code === "TEST_SESSION_ENDED") {
        onEnded(await queryClient.fetchQuery({ ...testSessionQuery(orgId, session.id), staleTime: 0 }));
      }
      return false;
    }
    const { done } = outcome;
    setAnnouncement(done.text);
    speech.speak(done.text);
    void queryClient.invalidateQueries({ queryKey: callKeys.all(orgId) });
    const after = done.session ?? (await queryClient.fetchQuery({ ...testSessionQuery(orgId, session.id), staleTime: 0 }));
    if (after.status === "ended") onEnded(after);
    else {
      queryClient.setQueryData(consoleKeys.session(orgId, after.id), after);
      input.current?.focus();
    }
    return true;
  };

  return (
    <section aria-label="Conversation" aria-busy={sending} className="overflow-hidden rounded-xl bg-white shadow-xs ring-1 ring-zinc-200">
      <div className="flex items-center justify-between gap-3 border-b border-zinc-100 px-4 py-3">
        <h2 className="text-sm font-semibold text-zinc-900">Conversation with {assistant.name}</h2>
        <span className="text-xs text-zinc-500">{engineLabel(session.engine)}</span>
      </div>
      <ConsoleTranscript lines={lines} thinking={sending} />
      <div aria-live="polite" className="sr-only">
        {announcement && `${assistant.name} said: ${announcement}`}
      </div>
      {!live && (
        <p role="status" className="border-t border-zinc-100 bg-zinc-50 px-4 py-2 text-center text-xs text-zinc-600">
          The call has ended. Start a new session to talk again.
        </p>
      )}
      <MessageComposer disabled={!live} sending={sending} language={language} maxLength={CALLER_LINE_MAX_CHARS} onSend={onSend} inputRef={input} />
    </section>
  );
}

function ConsoleLayout(props: ConsoleProps) {
  const language = props.assistant.languages[0] ?? "en-US";
  const speech = useSpokenReplies(language);
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <Conversation {...props} speech={speech} language={language} />
      <aside aria-label="Test call details">
        <SessionDetails orgId={props.orgId} session={props.session} speech={speech} dictationSupported={dictationSupported()} />
      </aside>
    </div>
  );
}

export function AssistantConsolePage() {
  const organization = useCurrentOrganization();
  const orgId = organization.id;
  const { assistantId } = route.useParams();
  const { session: sessionId } = route.useSearch();
  const navigate = route.useNavigate();
  const queryClient = useQueryClient();
  const assistant = useQuery(assistantQuery(orgId, assistantId));
  const session = useQuery({ ...testSessionQuery(orgId, sessionId ?? ""), enabled: Boolean(sessionId) });
  const newSessionButton = useRef<HTMLButtonElement>(null);

  const keep = (next: TestSession) => queryClient.setQueryData(consoleKeys.session(orgId, next.id), next);
  const start = useMutation({
    mutationFn: async () => {
      // A new session ends the one still open, so its call gets its end-of-call report.
      if (session.data?.status === "open") keep(await endTestSession(orgId, session.data.id));
      return startTestSession(orgId, assistantId);
    },
    onSuccess: async (created) => {
      keep(created);
      await navigate({ search: { session: created.id } });
      void queryClient.invalidateQueries({ queryKey: callKeys.all(orgId) });
    },
  });
  const end = useMutation({
    mutationFn: () => endTestSession(orgId, sessionId ?? ""),
    onSuccess: (ended) => onEnded(ended),
  });
  const onEnded = (ended: TestSession) => {
    keep(ended);
    void queryClient.invalidateQueries({ queryKey: callKeys.all(orgId) });
    requestAnimationFrame(() => newSessionButton.current?.focus());
  };

  if (assistant.isPending) return <LoadingState label="Loading the assistant…" />;
  if (assistant.isError) {
    return assistant.error instanceof ApiProblem && assistant.error.status === 404 ? (
      <EmptyState
        icon={Sparkles}
        title="Assistant not found"
        action={
          <Link to="/orgs/$orgId/assistants" params={{ orgId }} className={buttonClasses("secondary")}>
            Back to assistants
          </Link>
        }
      >
        It may have been deleted.
      </EmptyState>
    ) : (
      <ErrorState error={assistant.error} onRetry={() => void assistant.refetch()} />
    );
  }

  const current = sessionId ? session.data : undefined;
  const live = current?.status === "open";
  return (
    <>
      <BackToAssistant orgId={orgId} assistantId={assistantId} />
      <PageHeader
        title={`Test ${assistant.data.name}`}
        description="Talk to your assistant as a caller would. It runs its real tools; the call shows in the call log marked “Test”."
        actions={
          current && (
            <>
              {live && (
                <Button variant="secondary" pending={end.isPending} onClick={() => end.mutate()}>
                  <PhoneOff aria-hidden className="size-4" />
                  End call
                </Button>
              )}
              <Button ref={newSessionButton} variant={live ? "ghost" : "primary"} pending={start.isPending} onClick={() => start.mutate()}>
                <RotateCcw aria-hidden className="size-4" />
                New session
              </Button>
            </>
          )
        }
      />
      {(start.isError || end.isError) && (
        <Alert tone="error" className="mb-4">
          {problemMessage(start.error ?? end.error)}
        </Alert>
      )}
      {!sessionId ? (
        <Panel>
          <EmptyState
            icon={FlaskConical}
            title="Start a test call"
            action={
              <Button pending={start.isPending} onClick={() => start.mutate()}>
                Start test call
              </Button>
            }
          >
            {assistant.data.name} answers with its greeting; then type (or say) what a caller would. Bookings, messages and orders it takes land in your inbox,
            and the call in the call log, marked as a test. Test calls are not billed.
          </EmptyState>
        </Panel>
      ) : session.isPending ? (
        <LoadingState label="Opening the test call…" />
      ) : session.isError || session.data.assistantId !== assistantId ? (
        !session.isError || (session.error instanceof ApiProblem && session.error.status === 404) ? (
          <Panel>
            <EmptyState
              icon={FlaskConical}
              title="This test session is gone"
              action={
                <Button pending={start.isPending} onClick={() => start.mutate()}>
                  Start a new test call
                </Button>
              }
            >
              It may belong to another assistant or organization.
            </EmptyState>
          </Panel>
        ) : (
          <ErrorState error={session.error} onRetry={() => void session.refetch()} />
        )
      ) : (
        <ConsoleLayout orgId={orgId} assistant={assistant.data} session={session.data} onEnded={onEnded} />
      )}
    </>
  );
}
