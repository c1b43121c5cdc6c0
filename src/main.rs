use std::process::ExitCode;

#[rocket::main]
async fn main() -> ExitCode {
    // A missing .env is normal; a malformed one is worth saying, without its contents.
    if let Err(err) = dotenvy::dotenv() {
        if !err.not_found() {
            eprintln!("could not read .env: {err}");
            return ExitCode::FAILURE;
        }
    }
    gatehouse::logging::init();
    let rocket = match gatehouse::build(gatehouse::config::figment()) {
        Ok(rocket) => rocket,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    match rocket.launch().await {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            log::error!("gatehouse failed to start: {err}");
            ExitCode::FAILURE
        }
    }
}
