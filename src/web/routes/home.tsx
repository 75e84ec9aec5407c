// "/" for someone who belongs to no organization (left or deleted them all): create one.
// Everyone else is sent on to their last or first organization by the route's loader.
import { Building2 } from "lucide-react";
import { useState } from "react";
import { Button } from "../components/button";
import { CreateOrganizationDialog } from "../components/create-organization-dialog";
import { EmptyState } from "../components/states";

export function NoOrganizationPage() {
  const [creating, setCreating] = useState(false);
  return (
    <div className="rounded-xl border border-dashed border-zinc-300 bg-white">
      <EmptyState icon={Building2} title="You are not in any organization yet" action={<Button onClick={() => setCreating(true)}>Create organization</Button>}>
        Create one for your business, or open an invitation link from a teammate to join theirs.
      </EmptyState>
      <CreateOrganizationDialog open={creating} onOpenChange={setCreating} />
    </div>
  );
}
