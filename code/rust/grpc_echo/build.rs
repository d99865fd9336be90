//! Generates the Echo service's server code from proto/echo.proto (the same file as the Go
//! folder's echopb/echo.proto). prost-build runs protoc; a missing protoc fails here, with
//! prost-build's message naming the package to install.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    tonic_prost_build::configure()
        .build_client(false)
        .compile_protos(&["proto/echo.proto"], &["proto"])?;
    Ok(())
}
