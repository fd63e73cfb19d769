# callagent in a container: a build stage with the -dev packages, a runtime stage with
# only the shared libraries. Build and run:
#   docker build -t callagent .
#   docker run --rm -p 3000:3000 callagent                      # the offline default config
#   docker compose up                                            # the cloud stack with Redis
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN bash scripts/install-deps.sh
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DCALLAGENT_BUILD_TESTS=OFF \
 && cmake --build /build -j"$(nproc)" \
 && cmake --install /build --prefix /opt/callagent

FROM debian:12-slim
# The runtime libraries the host and its plugins link (the -dev packages' runtime halves).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpocofoundation80 libpoconet80 libpoconetssl80 libpococrypto80 libpocoutil80 libpocojson80 libpocoxml80 \
      libboost-filesystem1.74.0 libboost-program-options1.74.0 libspdlog1.10 libfmt9 \
      libsndfile1 libspeexdsp1 libflite1 libpocketsphinx3 libsphinxbase3 pocketsphinx-en-us \
      libhiredis0.14 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/callagent --create-home callagent
COPY --from=build /opt/callagent /opt/callagent
USER callagent
WORKDIR /var/lib/callagent
EXPOSE 3000
# SIGTERM (docker stop) drains calls; give it time: docker stop -t 45, or stop_grace_period.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/callagent/bin/callagent", "--log-format", "json"]
CMD ["--config", "/opt/callagent/share/callagent/config/default.json"]
