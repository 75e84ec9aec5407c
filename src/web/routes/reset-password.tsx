// Choose a new password from the emailed link (/reset-password?token=…). Every session is signed out after.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "../api/client";
import { endSession } from "../api/session";
import { Alert } from "../components/alert";
import { AuthCard, textLinkClasses } from "../components/auth-card";
import { Button, buttonClasses } from "../components/button";
import { TextField } from "../components/form-field";
import { applyProblemToForm } from "../lib/form-errors";
import { MIN_PASSWORD_LENGTH, newPasswordField } from "../lib/form-schemas";

const route = getRouteApi("/link/reset-password");

const schema = z
  .object({ password: newPasswordField, confirm: z.string() })
  .refine((values) => values.password === values.confirm, { path: ["confirm"], message: "The passwords do not match." });
type Values = z.infer<typeof schema>;

export function ResetPasswordPage() {
  const { token } = route.useSearch();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { password: "", confirm: "" } });
  const reset = useMutation({
    mutationFn: (values: Values) => unwrap(api.POST("/api/v1/auth/reset-password", { body: { token: token ?? "", password: values.password } })),
    // The API signs out every session of the account, this one included.
    onSuccess: () => endSession(),
    onError: (error) => applyProblemToForm(error, ["password"], form.setError),
  });
  const { errors } = form.formState;

  if (!token) {
    return (
      <AuthCard title="Reset your password">
        <Alert tone="error" title="This link is incomplete">
          Open the link from the email again, or ask for a new one.
        </Alert>
        <Link to="/forgot-password" className={buttonClasses("secondary", "md", "mt-4 w-full")}>
          Send a new link
        </Link>
      </AuthCard>
    );
  }

  if (reset.isSuccess) {
    return (
      <AuthCard title="Password changed">
        <Alert tone="success">Your new password is set. For your safety, every session was signed out.</Alert>
        <Link to="/signin" className={buttonClasses("primary", "md", "mt-4 w-full")}>
          Sign in
        </Link>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Choose a new password"
      footer={
        <Link to="/forgot-password" className={textLinkClasses}>
          Need a new link?
        </Link>
      }
    >
      <form noValidate onSubmit={form.handleSubmit((values) => reset.mutate(values))} className="space-y-4">
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          autoFocus
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          error={errors.password?.message}
          {...form.register("password")}
        />
        <TextField label="Confirm new password" type="password" autoComplete="new-password" error={errors.confirm?.message} {...form.register("confirm")} />
        <Button type="submit" className="w-full" pending={reset.isPending}>
          Set new password
        </Button>
      </form>
    </AuthCard>
  );
}
