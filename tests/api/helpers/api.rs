//! JSON requests to the API, and the account steps the feature tests keep taking.

use std::sync::Arc;

use rocket::http::{ContentType, Header, Status};
use serde_json::{json, Value};
use tokio::{sync::Barrier, task::JoinSet};

use super::{Reply, TestApp, PASSWORD};

fn bearer(token: &str) -> Header<'static> {
    Header::new("Authorization", format!("Bearer {token}"))
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Reply {
        Reply::from(self.client.get(path.to_owned()).dispatch().await).await
    }

    /// A GET with `Authorization: Bearer <token>`.
    pub async fn get_auth(&self, path: &str, token: &str) -> Reply {
        Reply::from(
            self.client
                .get(path.to_owned())
                .header(bearer(token))
                .dispatch()
                .await,
        )
        .await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Reply {
        Reply::from(
            self.client
                .post(path.to_owned())
                .json(&body)
                .dispatch()
                .await,
        )
        .await
    }

    /// One JSON POST per body, all in flight at once: each on its own task, built first and
    /// released together by a barrier. The replies come back in the order of `bodies`.
    pub async fn post_json_at_once(&self, path: &'static str, bodies: Vec<Value>) -> Vec<Reply> {
        let barrier = Arc::new(Barrier::new(bodies.len()));
        let mut tasks = JoinSet::new();
        for (i, body) in bodies.into_iter().enumerate() {
            let client = self.client.clone();
            let barrier = barrier.clone();
            tasks.spawn(async move {
                let request = client.post(path).json(&body);
                barrier.wait().await;
                (i, Reply::from(request.dispatch().await).await)
            });
        }
        let mut replies: Vec<(usize, Reply)> = tasks.join_all().await;
        replies.sort_by_key(|(i, _)| *i);
        replies.into_iter().map(|(_, reply)| reply).collect()
    }

    /// A JSON POST with `Authorization: Bearer <token>`.
    pub async fn post_json_auth(&self, path: &str, token: &str, body: Value) -> Reply {
        Reply::from(
            self.client
                .post(path.to_owned())
                .header(bearer(token))
                .json(&body)
                .dispatch()
                .await,
        )
        .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: ContentType,
        body: impl AsRef<[u8]>,
    ) -> Reply {
        Reply::from(
            self.client
                .post(path.to_owned())
                .header(content_type)
                .body(body)
                .dispatch()
                .await,
        )
        .await
    }

    /// `POST /auth/register` with [`PASSWORD`], asserted to be 201.
    pub async fn register(&self, email: &str) -> Reply {
        let reply = self
            .post_json(
                "/auth/register",
                json!({ "email": email, "password": PASSWORD }),
            )
            .await;
        assert_eq!(
            reply.status,
            Status::Created,
            "register {email}: {}",
            reply.body
        );
        reply
    }

    /// `POST /auth/login` (JSON, identifier in the `email` field); not asserted.
    pub async fn login(&self, identifier: &str, password: &str) -> Reply {
        self.post_json(
            "/auth/login",
            json!({ "email": identifier, "password": password }),
        )
        .await
    }

    /// Registers and logs in; returns (access token, refresh token).
    pub async fn signed_in(&self, email: &str) -> (String, String) {
        self.register(email).await;
        let reply = self.login(email, PASSWORD).await;
        assert_eq!(reply.status, Status::Ok, "login: {}", reply.body);
        reply.tokens()
    }

    /// `POST /auth/refresh` with the refresh token in the JSON body; not asserted.
    pub async fn refresh(&self, refresh_token: &str) -> Reply {
        self.post_json("/auth/refresh", json!({ "refresh_token": refresh_token }))
            .await
    }

    /// `GET /users/me` with a bearer access token.
    pub async fn me(&self, access_token: &str) -> Reply {
        self.get_auth("/users/me", access_token).await
    }

    /// The logged-in form of `POST /auth/change-password`; not asserted.
    pub async fn change_password(&self, access_token: &str, current: &str, new: &str) -> Reply {
        self.post_json_auth(
            "/auth/change-password",
            access_token,
            json!({ "current_password": current, "new_password": new }),
        )
        .await
    }

    /// `POST /auth/forgot-password`; not asserted.
    pub async fn forgot_password(&self, email: &str) -> Reply {
        self.post_json("/auth/forgot-password", json!({ "email": email }))
            .await
    }

    /// The reset-token form of `POST /auth/change-password`; not asserted.
    pub async fn reset_password(&self, token: &str, new_password: &str) -> Reply {
        self.post_json(
            "/auth/change-password",
            json!({ "token": token, "new_password": new_password }),
        )
        .await
    }
}
