// Create an account and its first organization; the verification email goes out at once.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "../api/client";
import { startSession } from "../api/session";
import { Alert } from "../components/alert";
import { AuthCard, textLinkClasses } from "../components/auth-card";
import { Button } from "../components/button";
import { TextField } from "../components/form-field";
import { applyProblemToForm } from "../lib/form-errors";
import { emailField, MIN_PASSWORD_LENGTH, newPasswordField, organizationNameField, personNameField } from "../lib/form-schemas";
import { rememberOrganization } from "../lib/last-organization";

const route = getRouteApi("/guest/signup");

const schema = z.object({ name: personNameField, email: emailField, password: newPasswordField, organizationName: organizationNameField });
type Values = z.infer<typeof schema>;
const FIELDS = ["name", "email", "password", "organizationName"] as const;

export function SignUpPage() {
  const { redirect } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { name: "", email: "", password: "", organizationName: "" } });
  const signUp = useMutation({
    mutationFn: (values: Values) => unwrap(api.POST("/api/v1/auth/signup", { body: values })),
    onSuccess: async (result) => {
      queryClient.clear();
      startSession(result);
      rememberOrganization(result.organizationId);
      if (redirect) await navigate({ href: redirect, replace: true });
      else await navigate({ to: "/orgs/$orgId", params: { orgId: result.organizationId }, replace: true });
    },
    onError: (error) => applyProblemToForm(error, FIELDS, form.setError),
  });
  const { errors } = form.formState;

  return (
    <AuthCard
      title="Create your account"
      description="Set up an AI receptionist for your business in minutes."
      footer={
        <>
          Already have an account?{" "}
          <Link to="/signin" search={redirect ? { redirect } : {}} className={textLinkClasses}>
            Sign in
          </Link>
        </>
      }
    >
      <form noValidate onSubmit={form.handleSubmit((values) => signUp.mutate(values))} className="space-y-4">
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <TextField label="Your name" autoComplete="name" autoFocus error={errors.name?.message} {...form.register("name")} />
        <TextField label="Work email" type="email" autoComplete="email" error={errors.email?.message} {...form.register("email")} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          error={errors.password?.message}
          {...form.register("password")}
        />
        <TextField
          label="Organization name"
          autoComplete="organization"
          placeholder="Acme Dental"
          error={errors.organizationName?.message}
          {...form.register("organizationName")}
        />
        <Button type="submit" className="w-full" pending={signUp.isPending}>
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}
