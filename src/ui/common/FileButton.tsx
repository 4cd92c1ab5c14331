import { useRef } from 'react';

/**
 * A button that opens the file picker: the input stays hidden but labelled (tests and assistive
 * tech find it by `inputLabel`), and is cleared after each pick so the same file can be picked again.
 */
export function FileButton({ children, inputLabel, accept, multiple = true, disabled, onFiles }: { children: string; inputLabel: string; accept: string; multiple?: boolean; disabled?: boolean; onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
        {children}
      </button>
      <input
        ref={input}
        type="file"
        multiple={multiple}
        hidden
        aria-label={inputLabel}
        accept={accept}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
