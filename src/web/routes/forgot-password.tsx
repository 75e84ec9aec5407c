// Ask for a password reset link by email. The answer is the same whether or not the account exists.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "../api/client";
import { Alert } from "../components/alert";
import { AuthCard, textLinkClasses } from "../components/auth-card";
import { Button } from "../components/button";
import { TextField } from "../components/form-field";
import { applyProblemToForm } from "../lib/form-errors";
import { emailField } from "../lib/form-schemas";

const schema = z.object({ email: emailField });
type Values = z.infer<typeof schema>;

export function ForgotPasswordPage() {
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { email: "" } });
  const request = useMutation({
    mutationFn: (values: Values) => unwrap(api.POST("/api/v1/auth/forgot-password", { body: values })),
    onError: (error) => applyProblemToForm(error, ["email"], form.setError),
  });
  const { errors } = form.formState;

  return (
    <AuthCard
      title="Reset your password"
      description="Enter the email you sign in with and we will send you a link to choose a new password."
      footer={
        <Link to="/signin" className={textLinkClasses}>
          Back to sign in
        </Link>
      }
    >
      {request.isSuccess ? (
        <Alert tone="success" title="Check your email">
          {request.data.message} The link works once and expires in 1 hour.
        </Alert>
      ) : (
        <form noValidate onSubmit={form.handleSubmit((values) => request.mutate(values))} className="space-y-4">
          {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
          <TextField label="Email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...form.register("email")} />
          <Button type="submit" className="w-full" pending={request.isPending}>
            Send reset link
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
