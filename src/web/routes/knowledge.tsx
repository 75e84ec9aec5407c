// The knowledge base: what the assistants know about the business. Upload files (drag and drop or
// the file picker, several at once, each with its progress bar), paste text, pick the scope (the
// whole organization or one assistant), watch each source until it is ready (or see why it
// failed), delete or reprocess it, and search it the way the assistants do.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { BookOpen, ClipboardType, FileText, FileUp, LoaderCircle, RotateCw, Search, SearchX, Trash2, Upload, X } from "lucide-react";
import { type DragEvent, useEffect, useId, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import {
  type Assistant,
  assistantKeys,
  assistantsQuery,
  createTextSource,
  deleteSource,
  type KnowledgeKind,
  type KnowledgeSearchHit,
  type KnowledgeSource,
  type KnowledgeStatus,
  knowledgeQuery,
  knowledgeSearchQuery,
  knowledgeUploadPath,
  reprocessSource,
} from "../api/assistants";
import { problemMessage, toApiProblem } from "../api/problem";
import { uploadWithProgress } from "../api/upload";
import { Alert } from "../components/alert";
import { Badge } from "../components/badge";
import { Button } from "../components/button";
import { ConfirmDialog } from "../components/confirm-dialog";
import { Dialog, DialogFooter } from "../components/dialog";
import { controlClasses, SelectField, TextAreaField, TextField } from "../components/form-field";
import { PageHeader, Panel } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { useToast } from "../components/toaster";
import { cx } from "../lib/class-names";
import { useCurrentOrganization } from "../lib/current-organization";
import { formatDateTime, formatRelative } from "../lib/dates";
import { applyProblemToForm } from "../lib/form-errors";
import { can } from "../lib/permissions";
import { useDebouncedValue } from "../lib/use-debounced-value";

const route = getRouteApi("/app/orgs/$orgId/knowledge");

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const ACCEPTED_EXTENSIONS = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"];
const ACCEPT = [
  ...ACCEPTED_EXTENSIONS,
  "text/plain",
  "text/markdown",
  "text/html",
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
].join(",");

const KIND_LABELS: Record<KnowledgeKind, string> = { text: "Text", markdown: "Markdown", html: "Web page", pdf: "PDF", docx: "Word" };
const STATUS_LABELS: Record<KnowledgeStatus, string> = { queued: "Queued", processing: "Processing", ready: "Ready", failed: "Failed" };
const STATUS_TONES = { queued: "neutral", processing: "brand", ready: "success", failed: "danger" } as const;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Why a file cannot be uploaded, found before sending it; null when it can be. (The API judges the type by the content.) */
function refusal(file: File): string | null {
  if (file.size === 0) return "The file is empty.";
  if (file.size > MAX_UPLOAD_BYTES) return `The file is ${formatBytes(file.size)}; the limit is 10 MB.`;
  return null;
}

function SourceStatus({ source }: { source: KnowledgeSource }) {
  const busy = source.status === "queued" || source.status === "processing";
  return (
    <Badge tone={STATUS_TONES[source.status]} className="gap-1">
      {busy && <LoaderCircle aria-hidden className="size-3 animate-spin" />}
      {STATUS_LABELS[source.status]}
    </Badge>
  );
}

// ---------------------------------------------------------------------------------------------
// Scope

type Scope = string | null;

function ScopePicker({ scope, assistants }: { scope: Scope; assistants: Assistant[] | undefined }) {
  const organization = useCurrentOrganization();
  const navigate = useNavigate();
  return (
    <SelectField
      label="Knowledge for"
      hint={scope ? "Only this assistant reads these sources; it also reads the organization's." : "Every assistant of the organization reads these sources."}
      containerClassName="max-w-sm"
      value={scope ?? ""}
      onChange={(event) =>
        void navigate({ to: "/orgs/$orgId/knowledge", params: { orgId: organization.id }, search: event.target.value ? { assistant: event.target.value } : {} })
      }
    >
      <option value="">The whole organization</option>
      {assistants?.map((assistant) => (
        <option key={assistant.id} value={assistant.id}>
          {assistant.name}
        </option>
      ))}
    </SelectField>
  );
}

// ---------------------------------------------------------------------------------------------
// Uploads

type UploadItem = {
  id: number;
  name: string;
  size: number;
  progress: number;
  state: "uploading" | "done" | "error";
  error?: string;
  sourceId?: string;
  abort?: () => void;
};

let nextUploadId = 1;

function UploadZone({ scope, sources }: { scope: Scope; sources: KnowledgeSource[] | undefined }) {
  const organization = useCurrentOrganization();
  const queryClient = useQueryClient();
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const update = (id: number, patch: Partial<UploadItem>) => setUploads((items) => items.map((item) => (item.id === id ? { ...item, ...patch } : item)));

  // A finished upload leaves the list once its source shows up among the sources.
  useEffect(() => {
    if (!sources) return;
    setUploads((items) => {
      const next = items.filter((item) => !(item.state === "done" && item.sourceId && sources.some((s) => s.id === item.sourceId)));
      return next.length === items.length ? items : next;
    });
  }, [sources]);

  const start = (files: File[]) => {
    for (const file of files) {
      const id = nextUploadId++;
      const refused = refusal(file);
      if (refused) {
        setUploads((items) => [...items, { id, name: file.name, size: file.size, progress: 0, state: "error", error: refused }]);
        continue;
      }
      const fields: Record<string, string | Blob> = { file, title: file.name.replace(/\.[^.]+$/, "") };
      if (scope) fields.assistantId = scope;
      const handle = uploadWithProgress<KnowledgeSource>(knowledgeUploadPath(organization.id), fields, (fraction) => update(id, { progress: fraction }));
      setUploads((items) => [...items, { id, name: file.name, size: file.size, progress: 0, state: "uploading", abort: handle.abort }]);
      handle.done.then(
        async (source) => {
          update(id, { state: "done", progress: 1, sourceId: source?.id });
          await queryClient.invalidateQueries({ queryKey: assistantKeys.knowledgeAll(organization.id) });
        },
        (error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") {
            setUploads((items) => items.filter((item) => item.id !== id));
            return;
          }
          update(id, { state: "error", error: problemMessage(error) });
        },
      );
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    start([...event.dataTransfer.files]);
  };

  return (
    <div className="space-y-3">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a pointer shortcut; the "Choose files" button inside is the keyboard path */}
      <div
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
          setDragging(true);
        }}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
        className={cx(
          "flex flex-col items-center justify-center gap-3 rounded-xl border-2 border-dashed px-6 py-10 text-center transition-colors",
          dragging ? "border-indigo-400 bg-indigo-50/70" : "border-zinc-300 bg-white",
        )}
      >
        <span aria-hidden className="flex size-11 items-center justify-center rounded-full bg-indigo-50 text-indigo-600 ring-1 ring-indigo-100">
          <FileUp className="size-5" />
        </span>
        <div>
          <p className="text-sm font-medium text-zinc-900">{dragging ? "Drop to upload" : "Drag files here"}</p>
          <p id={hintId} className="mt-0.5 text-xs text-zinc-500">
            Text, Markdown, HTML, PDF or Word files, up to 10 MB each.
          </p>
        </div>
        <Button variant="secondary" size="sm" onClick={() => inputRef.current?.click()}>
          <Upload aria-hidden className="size-3.5" />
          Choose files
        </Button>
        <input
          ref={inputRef}
          type="file"
          multiple
          accept={ACCEPT}
          aria-label="Upload files"
          aria-describedby={hintId}
          className="sr-only"
          tabIndex={-1}
          onChange={(event) => {
            start([...(event.target.files ?? [])]);
            event.target.value = "";
          }}
        />
      </div>

      {uploads.length > 0 && (
        <ul aria-label="Uploads" className="space-y-2">
          {uploads.map((item) => (
            <li key={item.id} className="rounded-lg bg-white px-3.5 py-2.5 ring-1 ring-zinc-200">
              <div className="flex items-center gap-3">
                <FileText aria-hidden className="size-4 shrink-0 text-zinc-400" />
                <div className="min-w-0 flex-1">
                  <div className="flex items-baseline justify-between gap-3 text-sm">
                    <span className="truncate font-medium text-zinc-900">{item.name}</span>
                    <span className="shrink-0 text-xs text-zinc-500">
                      {item.state === "uploading" ? `${Math.round(item.progress * 100)}%` : item.state === "done" ? "Uploaded" : formatBytes(item.size)}
                    </span>
                  </div>
                  {item.state !== "error" ? (
                    <div
                      role="progressbar"
                      aria-label={`Uploading ${item.name}`}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={Math.round(item.progress * 100)}
                      className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-zinc-100"
                    >
                      <div
                        className={cx("h-full rounded-full transition-[width] duration-200", item.state === "done" ? "bg-emerald-500" : "bg-indigo-500")}
                        style={{ width: `${Math.max(2, item.progress * 100)}%` }}
                      />
                    </div>
                  ) : (
                    <p role="alert" className="mt-0.5 text-xs font-medium text-red-600">
                      {item.error}
                    </p>
                  )}
                </div>
                {item.state === "uploading" && (
                  <Button variant="ghost" size="sm" onClick={() => item.abort?.()} aria-label={`Cancel uploading ${item.name}`}>
                    <X aria-hidden className="size-4" />
                  </Button>
                )}
                {item.state === "error" && (
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => setUploads((items) => items.filter((i) => i.id !== item.id))}
                    aria-label={`Dismiss ${item.name}`}
                  >
                    <X aria-hidden className="size-4" />
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Paste text

const pasteSchema = z.object({
  title: z.string().trim().min(1, "Give it a title.").max(200, "Use at most 200 characters."),
  kind: z.enum(["text", "markdown", "html"]),
  content: z.string().trim().min(1, "Paste or type some text.").max(1_000_000, "That is too long; upload it as a file instead."),
});
type PasteValues = z.infer<typeof pasteSchema>;

function PasteTextDialog({ open, onOpenChange, scope }: { open: boolean; onOpenChange: (open: boolean) => void; scope: Scope }) {
  const organization = useCurrentOrganization();
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useForm<PasteValues>({ resolver: zodResolver(pasteSchema), defaultValues: { title: "", kind: "text", content: "" } });
  const save = useMutation({
    mutationFn: (values: PasteValues) => createTextSource(organization.id, { ...values, ...(scope ? { assistantId: scope } : {}) }),
    onSuccess: async (source) => {
      onOpenChange(false);
      form.reset();
      toast({ title: "Text added", description: `${source?.title ?? "It"} is being indexed.` });
      await queryClient.invalidateQueries({ queryKey: assistantKeys.knowledgeAll(organization.id) });
    },
    onError: (error) => applyProblemToForm(error, ["title", "kind", "content"], form.setError),
  });
  const { errors } = form.formState;
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Paste text"
      description="FAQs, policies, prices: anything your assistants should be able to answer from."
    >
      <form noValidate onSubmit={form.handleSubmit((values) => save.mutate(values))} className="space-y-4">
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <TextField label="Title" placeholder="Parking and directions" error={errors.title?.message} {...form.register("title")} />
        <SelectField label="Format" error={errors.kind?.message} {...form.register("kind")}>
          <option value="text">Plain text</option>
          <option value="markdown">Markdown</option>
          <option value="html">HTML</option>
        </SelectField>
        <TextAreaField label="Content" rows={10} error={errors.content?.message} className="text-[13px]" {...form.register("content")} />
        <DialogFooter>
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" pending={save.isPending}>
            Add text
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

// ---------------------------------------------------------------------------------------------
// Sources

function SourceActions({ source }: { source: KnowledgeSource }) {
  const organization = useCurrentOrganization();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: assistantKeys.knowledgeAll(organization.id) });
  const reprocess = useMutation({
    mutationFn: () => reprocessSource(organization.id, source.id),
    onSuccess: async () => {
      toast({ title: "Processing again", description: `${source.title} is back in the queue.` });
      await refresh();
    },
    onError: (error) => toast({ title: "Could not reprocess", description: problemMessage(error), tone: "error" }),
  });
  const remove = useMutation({
    mutationFn: () => deleteSource(organization.id, source.id),
    onSuccess: async () => {
      setDeleting(false);
      toast({ title: `Deleted ${source.title}` });
      await refresh();
    },
  });
  return (
    <div className="flex justify-end gap-1">
      {source.status === "failed" && (
        <Button variant="ghost" size="sm" pending={reprocess.isPending} onClick={() => reprocess.mutate()} aria-label={`Reprocess ${source.title}`}>
          <RotateCw aria-hidden className="size-3.5" />
          <span className="hidden sm:inline">Retry</span>
        </Button>
      )}
      <Button variant="ghost" size="sm" onClick={() => setDeleting(true)} aria-label={`Delete ${source.title}`}>
        <Trash2 aria-hidden className="size-3.5" />
      </Button>
      <ConfirmDialog
        open={deleting}
        onOpenChange={(next) => {
          setDeleting(next);
          if (!next) remove.reset();
        }}
        title={`Delete ${source.title}?`}
        description="Your assistants stop answering from it at once. This cannot be undone."
        confirmLabel="Delete source"
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
        error={remove.error}
      />
    </div>
  );
}

function SourcesPanel({ scope, editable, assistants }: { scope: Scope; editable: boolean; assistants: Assistant[] | undefined }) {
  const organization = useCurrentOrganization();
  const sources = useQuery(knowledgeQuery(organization.id, scope));
  const scopeName = (source: KnowledgeSource) =>
    source.assistantId ? (assistants?.find((a) => a.id === source.assistantId)?.name ?? "One assistant") : "All assistants";
  return (
    <Panel
      title="Sources"
      description={
        sources.data && sources.data.length > 0
          ? `${sources.data.length} ${sources.data.length === 1 ? "source" : "sources"}, ${sources.data.reduce((n, s) => n + s.chunkCount, 0)} passages indexed.`
          : undefined
      }
    >
      {sources.isPending && <LoadingState label="Loading sources…" />}
      {sources.isError && <ErrorState error={sources.error} onRetry={() => void sources.refetch()} />}
      {sources.data && sources.data.length === 0 && (
        <EmptyState icon={BookOpen} title="Nothing here yet">
          Upload your FAQ, price list or policies, or paste some text. Your assistants answer callers from it.
        </EmptyState>
      )}
      {sources.data && sources.data.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">Knowledge sources</caption>
            <thead className="text-left text-xs font-medium text-zinc-500">
              <tr className="border-b border-zinc-100">
                <th scope="col" className="px-5 py-2.5 font-medium">
                  Source
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">
                  Kind
                </th>
                <th scope="col" className="hidden px-3 py-2.5 text-right font-medium md:table-cell">
                  Size
                </th>
                <th scope="col" className="hidden px-3 py-2.5 text-right font-medium md:table-cell">
                  Passages
                </th>
                <th scope="col" className="px-3 py-2.5 font-medium">
                  Status
                </th>
                <th scope="col" className="px-5 py-2.5 text-right font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {sources.data.map((source) => (
                <tr key={source.id} className="align-top">
                  <td className="w-full max-w-0 px-5 py-3">
                    <p className="truncate font-medium text-zinc-900">{source.title}</p>
                    <p className="truncate text-xs text-zinc-500">
                      {source.filename ? `${source.filename} · ` : ""}
                      {scopeName(source)} ·{" "}
                      <time dateTime={source.createdAt} title={formatDateTime(source.createdAt)}>
                        added {formatRelative(source.createdAt)}
                      </time>
                    </p>
                    {source.status === "failed" && source.failureReason && <p className="mt-1 text-xs font-medium text-red-600">{source.failureReason}</p>}
                  </td>
                  <td className="hidden px-3 py-3 sm:table-cell">
                    <Badge>{KIND_LABELS[source.kind] ?? source.kind}</Badge>
                  </td>
                  <td className="hidden px-3 py-3 text-right whitespace-nowrap text-zinc-600 tabular-nums md:table-cell">{formatBytes(source.sizeBytes)}</td>
                  <td className="hidden px-3 py-3 text-right text-zinc-600 tabular-nums md:table-cell">
                    {source.status === "ready" ? source.chunkCount : "—"}
                  </td>
                  <td className="px-3 py-3">
                    <SourceStatus source={source} />
                  </td>
                  <td className="px-5 py-2">{editable && <SourceActions source={source} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

// ---------------------------------------------------------------------------------------------
// Search

function SearchResult({ hit }: { hit: KnowledgeSearchHit }) {
  return (
    <li className="px-5 py-3.5">
      <p className="text-xs font-medium text-zinc-500">
        {hit.sourceTitle}
        {hit.heading && <span className="text-zinc-400"> › {hit.heading}</span>}
      </p>
      <p
        className="mt-1 text-sm leading-relaxed text-zinc-800 [&_mark]:rounded-sm [&_mark]:bg-amber-200/80 [&_mark]:px-0.5 [&_mark]:text-zinc-900"
        // snippetHtml is safe to render as HTML: the server escapes the chunk's text and adds only
        // <mark> elements around the matched words (see the knowledge search route), nothing else.
        // biome-ignore lint/security/noDangerouslySetInnerHtml: server-escaped text with <mark> only, as above
        dangerouslySetInnerHTML={{ __html: hit.snippetHtml }}
      />
    </li>
  );
}

function SearchPanel({ scope }: { scope: Scope }) {
  const organization = useCurrentOrganization();
  const [q, setQ] = useState("");
  const debounced = useDebouncedValue(q.trim(), 300);
  const results = useQuery(knowledgeSearchQuery(organization.id, scope, debounced));
  const searching = results.isFetching || debounced !== q.trim();
  return (
    <Panel title="Search your knowledge" description="Try what a caller might ask: this is how your assistants find answers.">
      <div className="border-b border-zinc-100 p-5">
        <div className="relative">
          <Search aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" />
          <input
            type="search"
            aria-label="Search your knowledge"
            placeholder="Do you have parking?"
            value={q}
            onChange={(event) => setQ(event.target.value)}
            className={cx(controlClasses, "pl-9")}
          />
          {searching && q.trim() && <LoaderCircle aria-hidden className="absolute top-1/2 right-3 size-4 -translate-y-1/2 animate-spin text-zinc-400" />}
        </div>
      </div>
      <div aria-live="polite">
        {!debounced && (
          <p className="px-5 py-6 text-center text-sm text-zinc-500">Results show the matching passage with the words you searched highlighted.</p>
        )}
        {debounced && results.isError && <ErrorState error={results.error} onRetry={() => void results.refetch()} title="Search failed" />}
        {debounced && results.data && results.data.length === 0 && !searching && (
          <EmptyState icon={SearchX} title="No results">
            Nothing in your knowledge matches “{debounced}”. Sources still processing are not searchable yet.
          </EmptyState>
        )}
        {debounced && results.data && results.data.length > 0 && (
          <ol aria-label="Search results" className={cx("divide-y divide-zinc-100", searching && "opacity-70")}>
            {results.data.map((hit) => (
              <SearchResult key={`${hit.sourceId}:${hit.ordinal}`} hit={hit} />
            ))}
          </ol>
        )}
      </div>
    </Panel>
  );
}

// ---------------------------------------------------------------------------------------------

export function KnowledgePage() {
  const organization = useCurrentOrganization();
  const { assistant } = route.useSearch();
  const assistants = useQuery(assistantsQuery(organization.id));
  const editable = can(organization.role, "knowledge:write");
  const [pasting, setPasting] = useState(false);
  const scope: Scope = assistant ?? null;
  const sources = useQuery(knowledgeQuery(organization.id, scope));
  const scopeProblem = sources.isError ? toApiProblem(sources.error) : null;

  return (
    <>
      <PageHeader
        title="Knowledge"
        description="What your assistants know about your business."
        actions={
          editable ? (
            <Button variant="secondary" onClick={() => setPasting(true)}>
              <ClipboardType aria-hidden className="size-4" />
              Paste text
            </Button>
          ) : undefined
        }
      />
      <div className="space-y-6">
        <ScopePicker scope={scope} assistants={assistants.data} />
        {scopeProblem?.status === 404 && <Alert tone="warning">That assistant no longer exists. Pick another scope.</Alert>}
        {editable && <UploadZone scope={scope} sources={sources.data} />}
        <SourcesPanel scope={scope} editable={editable} assistants={assistants.data} />
        <SearchPanel scope={scope} />
      </div>
      {editable && <PasteTextDialog open={pasting} onOpenChange={setPasting} scope={scope} />}
    </>
  );
}
