// The Settings section for sandbox mode: what it changes, its state, and a switch that asks for
// confirmation before turning it on or off (owners and admins; everyone else sees the state).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FlaskConical } from "lucide-react";
import { useState } from "react";
import { api, unwrap } from "../../api/client";
import { problemMessage } from "../../api/problem";
import { type Organization, queryKeys } from "../../api/queries";
import { can } from "../../lib/permissions";
import { Alert } from "../alert";
import { Badge } from "../badge";
import { Button } from "../button";
import { Dialog, DialogFooter } from "../dialog";
import { Panel } from "../page-header";
import { useToast } from "../toaster";

const EFFECTS_WHEN_ON = [
  "Only sandbox numbers can be provisioned; getting a real Twilio or Vapi number is refused.",
  "Every call that starts is a test call: marked “Test” in the call log, not counted as usage and not billed.",
  "Assistants, tools, the inbox and the test console work as usual, so you can try everything end to end.",
];

export function SandboxModePanel({ organization }: { organization: Organization }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const on = organization.settings.sandboxMode === true;
  const editable = can(organization.role, "org:update");

  const change = useMutation({
    mutationFn: (sandboxMode: boolean) =>
      unwrap(api.PATCH("/api/v1/orgs/{orgId}", { params: { path: { orgId: organization.id } }, body: { settings: { sandboxMode } } })),
    onSuccess: async (updated) => {
      setConfirming(false);
      queryClient.setQueryData(queryKeys.organization(organization.id), updated);
      await queryClient.invalidateQueries({ queryKey: queryKeys.organizations });
      toast({ title: updated.settings.sandboxMode ? "Sandbox mode is on" : "Sandbox mode is off" });
    },
  });

  const close = (open: boolean) => {
    setConfirming(open);
    if (!open) change.reset();
  };

  return (
    <Panel
      title="Sandbox mode"
      description={editable ? "Try Switchboard without touching real numbers, usage or billing." : "Only owners and admins can change this."}
    >
      <div className="flex items-start justify-between gap-6 p-5">
        <div className="flex items-start gap-3 text-sm">
          <FlaskConical aria-hidden className="mt-0.5 size-5 shrink-0 text-indigo-600" />
          <div id="sandbox-mode-hint" className="space-y-1">
            <p className="font-medium text-zinc-900">While sandbox mode is on:</p>
            <ul className="list-disc space-y-0.5 pl-5 text-zinc-600">
              {EFFECTS_WHEN_ON.map((effect) => (
                <li key={effect}>{effect}</li>
              ))}
            </ul>
          </div>
        </div>
        <div className="flex shrink-0 items-center gap-2.5">
          <Badge tone={on ? "brand" : "neutral"}>{on ? "On" : "Off"}</Badge>
          <button
            type="button"
            role="switch"
            aria-checked={on}
            aria-label="Sandbox mode"
            aria-describedby="sandbox-mode-hint"
            disabled={!editable}
            onClick={() => setConfirming(true)}
            className="relative inline-flex h-6 w-11 shrink-0 items-center rounded-full bg-zinc-300 transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-50 aria-checked:bg-indigo-600"
          >
            <span
              aria-hidden
              className={`inline-block size-5 rounded-full bg-white shadow transition-transform ${on ? "translate-x-5.5" : "translate-x-0.5"}`}
            />
          </button>
        </div>
      </div>
      <Dialog
        open={confirming}
        onOpenChange={close}
        title={on ? "Turn sandbox mode off?" : "Turn sandbox mode on?"}
        description={
          on
            ? "Calls count as usage and are billed again, and real numbers can be provisioned. Calls already taken stay test calls."
            : "Every call from now on is a test call: not counted as usage and not billed. Real numbers cannot be provisioned until you turn it off."
        }
      >
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            change.mutate(!on);
          }}
        >
          {change.isError && <Alert tone="error">{problemMessage(change.error)}</Alert>}
          <DialogFooter>
            <Button variant="secondary" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={change.isPending}>
              {on ? "Turn sandbox mode off" : "Turn sandbox mode on"}
            </Button>
          </DialogFooter>
        </form>
      </Dialog>
    </Panel>
  );
}
