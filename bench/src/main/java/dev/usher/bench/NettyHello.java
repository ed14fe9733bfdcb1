package dev.usher.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * The second yardstick for Usher: a minimal Netty 4.2 server, answering every request with
 * 200 "Hello, World!" the way a tuned Netty application would (HTTP codec, responses built
 * from shared immutable parts, one flush per read batch). Usage:
 * {@code java -jar netty-hello.jar PORT}.
 */
public final class NettyHello {

    // Unreleasable and read-only, so every response can share these bytes without
    // copying and without reference counting getting in the way.
    private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(13).writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)).asReadOnly());
    private static final String LENGTH = Integer.toString(BODY.readableBytes());

    // Immutable and shared by all responses: nothing downstream of the handler changes
    // the headers of a 200, and building them once saves a header map per request.
    // HTTP/1.1 keeps the connection by default, so only 1.0 needs "keep-alive" said.
    private static final HttpHeaders KEEP_ALIVE_11 = new ReadOnlyHttpHeaders(false,
            HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN,
            HttpHeaderNames.CONTENT_LENGTH, LENGTH);
    private static final HttpHeaders KEEP_ALIVE_10 = new ReadOnlyHttpHeaders(false,
            HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN,
            HttpHeaderNames.CONTENT_LENGTH, LENGTH,
            HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    private static final HttpHeaders CLOSE = new ReadOnlyHttpHeaders(false,
            HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN,
            HttpHeaderNames.CONTENT_LENGTH, LENGTH,
            HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    private static final HttpHeaders BAD_REQUEST = new ReadOnlyHttpHeaders(false,
            HttpHeaderNames.CONTENT_LENGTH, "0",
            HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: java -jar netty-hello.jar PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);

        // Native epoll is what Netty recommends on Linux; NIO keeps the jar usable elsewhere.
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;

        // Netty's usual split: one thread accepting, the workers at Netty's default of
        // 2 x cores (-Dio.netty.eventLoopThreads=N changes it), no tuning of our own.
        MultiThreadIoEventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        MultiThreadIoEventLoopGroup workers = new MultiThreadIoEventLoopGroup(io);

        Channel server = new ServerBootstrap()
                .group(boss, workers)
                .channel(serverChannel)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Hello());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();

        System.out.println("netty-hello: transport " + (epoll ? "epoll (native)" : "nio")
                + ", " + workers.executorCount() + " worker threads, listening on 127.0.0.1:" + port);
        if (!epoll) {
            System.out.println("netty-hello: epoll unavailable: " + Epoll.unavailabilityCause());
        }

        // SIGTERM from the bench script should stop Netty cleanly, not mid-write; no quiet
        // period, since nothing is expected to arrive after the signal.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close().awaitUninterruptibly();
            Future<?> b = boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            Future<?> w = workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            b.awaitUninterruptibly();
            w.awaitUninterruptibly();
        }, "netty-hello-shutdown"));
        server.closeFuture().sync();
    }

    /**
     * One per connection, for the {@code closing} flag. Responses are only written here and
     * flushed once the read batch is done, so pipelined requests leave in one write.
     */
    private static final class Hello extends ChannelInboundHandlerAdapter {
        // Set once a response said "Connection: close": requests pipelined behind it are
        // dropped, as the connection ends after that response.
        private boolean closing;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                // Bodies (HttpContent) are ignored; the codec still frames them, so the
                // next request on the connection is parsed correctly.
                if (!(msg instanceof HttpRequest request) || closing) {
                    return;
                }
                if (request.decoderResult().isFailure()) {
                    // The codec discards the rest of the connection's input after a failure.
                    respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST, Unpooled.EMPTY_BUFFER, BAD_REQUEST);
                } else if (!HttpUtil.isKeepAlive(request)) {
                    respondAndClose(ctx, HttpResponseStatus.OK, BODY.duplicate(), CLOSE);
                } else {
                    HttpHeaders headers = request.protocolVersion().equals(HttpVersion.HTTP_1_0)
                            ? KEEP_ALIVE_10 : KEEP_ALIVE_11;
                    ctx.write(response(HttpResponseStatus.OK, BODY.duplicate(), headers), ctx.voidPromise());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respondAndClose(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body,
                HttpHeaders headers) {
            closing = true;
            ctx.writeAndFlush(response(status, body, headers)).addListener(ChannelFutureListener.CLOSE);
        }

        private static FullHttpResponse response(HttpResponseStatus status, ByteBuf body, HttpHeaders headers) {
            return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body, headers, EmptyHttpHeaders.INSTANCE);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Mostly resets by clients (wrk at the end of a run): nothing to log or answer.
            ctx.close();
        }
    }
}
