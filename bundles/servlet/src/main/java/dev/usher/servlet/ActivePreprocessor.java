package dev.usher.servlet;

import org.osgi.service.servlet.whiteboard.Preprocessor;

import dev.usher.servlet.WhiteboardService.PreprocessorService;

/** A preprocessor initialised and in use, for every request of every context. */
record ActivePreprocessor(PreprocessorService service, Preprocessor preprocessor) {
}
